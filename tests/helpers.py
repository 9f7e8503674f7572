"""Shared test helpers: actors, a seeded demo database, an app bound to a database."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from crmterm.services import seed
from crmterm.services.permissions import SYSTEM, Actor, Role
from crmterm.settings import Settings
from crmterm.store.db import dispose_all, unit_of_work

ADMIN = Actor(login="admin", role=Role.ADMIN)
AGENT = Actor(login="agent", role=Role.AGENT)
AUDITOR = Actor(login="auditor", role=Role.AUDITOR)
SUPERVISOR = Actor(login="supervisor", role=Role.SUPERVISOR)


def seed_demo(url: str) -> None:
    with unit_of_work(url) as session:
        seed.seed_demo(session=session, actor=SYSTEM)


@pytest.fixture
def demo_url(db_url: str) -> str:
    """A database on each backend with the demo configuration and logins."""
    seed_demo(db_url)
    return db_url


@pytest.fixture(scope="session")
def _demo_sqlite_template(tmp_path_factory) -> Path:
    from crmterm.store import migrate

    path = tmp_path_factory.mktemp("demo-template") / "demo.db"
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    seed_demo(url)
    dispose_all()
    return path


def copy_demo(template: Path, target: Path) -> str:
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copy(template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def ui_settings(_demo_sqlite_template, tmp_path) -> Settings:
    """Settings for UI tests: a private copy of the seeded demo database (SQLite) and a private home."""
    from crmterm.locations import locations

    where = locations({"CRMTERM_HOME": str(tmp_path / "home")})
    return Settings(database_url=copy_demo(_demo_sqlite_template, tmp_path / "ui.db"), where=where)


@pytest.fixture
def snapshot_settings(_demo_sqlite_template) -> Settings:
    """Like ui_settings but at a fixed path, so the database shown in the status bar is the same every run."""
    from crmterm.locations import locations

    dispose_all()
    base = Path("/tmp/crmterm-snapshot")
    url = copy_demo(_demo_sqlite_template, base / "crmterm.db")
    return Settings(database_url=url, where=locations({"CRMTERM_HOME": str(base / "home")}))


async def settle(pilot) -> None:
    """Let workers finish (a cancelled exclusive worker is fine: a newer one replaced it) and the UI refresh."""
    from textual.worker import WorkerCancelled, WorkerFailed

    for _round in range(3):
        await pilot.pause()
        for worker in list(pilot.app.workers):
            try:
                await worker.wait()
            except (WorkerCancelled, WorkerFailed):
                pass
    await pilot.pause()
