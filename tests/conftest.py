"""Database fixtures: every store/service test runs on SQLite and on a real PostgreSQL.

PostgreSQL is a throwaway cluster started for the session (or `CRMTERM_TEST_PG_URL`, a server where we may
create databases). Without PostgreSQL its tests are skipped — except under CI, where that fails the run.
Each test gets a fresh database copied from a template migrated once per backend.

PostgreSQL tests connect as the application role of `crmterm db roles` (rows only: DDL is refused, the
audit log is append-only); the roles are applied to the template, so every copy carries the grants. Tests
that need DDL (migrations, anything changing the schema) take the owner role's URL: `owner_db_url` /
`postgresql_owner_url`.
"""

from __future__ import annotations

import inspect
import itertools
import os
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

import psycopg
import pytest
from argon2 import PasswordHasher

sys.path.insert(0, str(Path(__file__).parent))  # test helpers import as `helpers`

from helpers import seed_demo  # noqa: E402
from pgserver import Cluster  # noqa: E402

from crmterm.i18n import set_language  # noqa: E402
from crmterm.settings import Settings  # noqa: E402
from crmterm.store import migrate, roles  # noqa: E402
from crmterm.store.db import dispose_all  # noqa: E402


def pytest_addoption(parser) -> None:
    parser.addoption("--crash-trials", type=int, default=0,
                     help="SIGKILL trials per database in tests/test_crash.py (default 8 SQLite, 4 PostgreSQL)")
    parser.addoption("--concurrency-full", action="store_true",
                     help="tests/test_concurrency.py at full size: 16 processes for 30 s (also CRMTERM_LONG=1)")


_TEMPLATE = "crmterm_template"
_DEMO_TEMPLATE = "crmterm_demo_template"
_counter = itertools.count()
PG_ROLES = roles.RolePlan(owner="crmterm_test_owner", app="crmterm_test_app", owner_password="owner-secret-1",
                          app_password="app-secret-1")


def as_role(url: str, role: str) -> str:
    """`url` logging in as `role` (the test roles' passwords; the throwaway cluster trusts anyway)."""
    from sqlalchemy.engine import make_url

    password = PG_ROLES.owner_password if role == PG_ROLES.owner else PG_ROLES.app_password
    return make_url(url).set(username=role, password=password).render_as_string(hide_password=False)


def owner_url(url: str) -> str:
    """The same database through its owner role: the CLI's password-less system account is only for the
    schema owner's connection (issue 20). SQLite URLs come back as they are."""
    return as_role(url, PG_ROLES.owner) if url.startswith("postgresql") else url


@pytest.fixture(scope="session")
def pg_server():
    """Admin URL of a PostgreSQL server for this session."""
    url = os.environ.get("CRMTERM_TEST_PG_URL")
    if url:
        yield url
        return
    cluster = Cluster()
    if not cluster.available:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL (initdb/pg_ctl) not found, and CI requires the PostgreSQL tests", pytrace=False)
        pytest.skip("PostgreSQL not installed (initdb/pg_ctl not found)")
    try:
        yield cluster.start()
    finally:
        dispose_all()
        cluster.stop()


def _with_database(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + f"/{name}"


def _admin(url: str) -> psycopg.Connection:
    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)


@pytest.fixture(scope="session")
def pg_template(pg_server) -> str:
    with _admin(pg_server) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {_TEMPLATE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {_TEMPLATE}")
    url = _with_database(pg_server, _TEMPLATE)
    with _admin(url) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    migrate.upgrade(url)
    dispose_all()  # a template must have no open connections
    roles.apply(PG_ROLES, url)  # ownership and grants are copied with the template; roles are cluster-wide
    return _TEMPLATE


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    migrate.upgrade(f"sqlite:///{path}")
    dispose_all()
    return path


@pytest.fixture
def sqlite_url(sqlite_template, tmp_path) -> str:
    yield copy_demo(sqlite_template, tmp_path / "crmterm.db")
    dispose_all()


def _database_from(server: str, template: str):
    name = f"crmterm_test_{os.getpid()}_{next(_counter)}"
    with _admin(server) as conn:
        # PostgreSQL 15+ copies a template through the WAL by default; the test cluster runs without fsync, so
        # copying the files is cheaper (measured: 0.11 s against 0.11–0.22 s for the demo template)
        strategy = " STRATEGY FILE_COPY" if conn.info.server_version >= 150000 else ""
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {template}{strategy}")
    yield _with_database(server, name)
    dispose_all()
    with _admin(server) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def postgresql_url(request) -> str:
    """A fresh migrated database, connected to as the application role."""
    for url in _database_from(request.getfixturevalue("pg_server"), request.getfixturevalue("pg_template")):
        yield as_role(url, PG_ROLES.app)


@pytest.fixture
def postgresql_owner_url(request) -> str:
    """A fresh migrated database, connected to as the owner role (DDL allowed: migrations)."""
    for url in _database_from(request.getfixturevalue("pg_server"), request.getfixturevalue("pg_template")):
        yield as_role(url, PG_ROLES.owner)


@pytest.fixture(params=["sqlite", "postgresql"])
def owner_db_url(request) -> str:
    """Like db_url, with the right to change the schema on PostgreSQL."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgresql_owner_url")


@pytest.fixture(scope="session")
def pg_demo_template(pg_server, pg_template) -> str:
    """The migrated template with the demo configuration and logins, seeded once per session."""
    with _admin(pg_server) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {_DEMO_TEMPLATE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {_DEMO_TEMPLATE} TEMPLATE {pg_template}")
    seed_demo(_with_database(pg_server, _DEMO_TEMPLATE))
    dispose_all()  # a template must have no open connections
    return _DEMO_TEMPLATE


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request) -> str:
    """A fresh, migrated, empty database on each backend."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture(params=["sqlite", "postgresql"])
def demo_url(request, tmp_path):
    """A database on each backend with the demo configuration and logins: a copy of a template seeded once
    per session (seeding hashes five passwords and loads the whole demo configuration — seconds per test)."""
    if request.param == "sqlite":
        yield copy_demo(request.getfixturevalue("_demo_sqlite_template"), tmp_path / "demo.db")
        dispose_all()
        return
    for url in _database_from(request.getfixturevalue("pg_server"), request.getfixturevalue("pg_demo_template")):
        yield as_role(url, PG_ROLES.app)


@pytest.fixture
def postgresql_demo_url(pg_server, pg_demo_template) -> str:
    """A PostgreSQL copy of the seeded demo template (application role): what seeding an empty database in
    the test gave, without paying the seconds of seeding again."""
    for url in _database_from(pg_server, pg_demo_template):
        yield as_role(url, PG_ROLES.app)


@pytest.fixture
def sqlite_demo_url(_demo_sqlite_template, tmp_path) -> str:
    """A SQLite copy of the seeded demo template."""
    yield copy_demo(_demo_sqlite_template, tmp_path / "demo.db")
    dispose_all()


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
    """A copy through SQLite's backup API: it reads what the template's WAL still holds (a plain file copy
    would miss the last writes — the seed's last step — whenever no checkpoint has run yet)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    with closing(sqlite3.connect(template)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
    return f"sqlite:///{target}"


@pytest.fixture
def ui_settings(_demo_sqlite_template, tmp_path) -> Settings:
    """Settings for UI tests: a private copy of the seeded demo database (SQLite) and a private home."""
    from crmterm.locations import locations

    where = locations({"CRMTERM_HOME": str(tmp_path / "home")})
    return Settings(database_url=copy_demo(_demo_sqlite_template, tmp_path / "ui.db"), where=where)


# What the status bar of every snapshot shows as the database (the pictures were taken with this path).
SNAPSHOT_DATABASE_LABEL = "sqlite:////tmp/crmterm-snapshot/crmterm.db"


@pytest.fixture
def snapshot_settings(_demo_sqlite_template, monkeypatch, tmp_path) -> Settings:
    """Like ui_settings, with the database shown in the status bar under one made-up name every run (the
    real copy is private to the test, so two runs on one machine never share it).
    Text cursors stay lit: a blinking one is caught lit or dark depending on how long the test took."""
    from textual.widgets import Input, TextArea

    from crmterm.locations import locations
    from crmterm.services.platform.gateway import Gateway

    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)
    monkeypatch.setattr(Gateway, "database_label", property(lambda self: SNAPSHOT_DATABASE_LABEL))
    dispose_all()
    base = tmp_path / "snapshot"
    url = copy_demo(_demo_sqlite_template, base / "crmterm.db")
    return Settings(database_url=url, where=locations({"CRMTERM_HOME": str(base / "home")}))


def _then_steady(run_before):
    """The test's own steps, then wait for a steady screen (helpers.settle_screen)."""
    from helpers import settle_screen

    async def run(pilot) -> None:
        if run_before is not None:
            result = run_before(pilot)
            if inspect.isawaitable(result):
                await result
        await settle_screen(pilot)

    return run


@pytest.fixture
def snap_compare(snap_compare, request):
    """pytest-textual-snapshot's compare, failing with the screen lines that differ (CI logs show no report)."""
    from pytest_textual_snapshot import node_to_report_path
    from snapshot_diff import explain_report

    def compare(*args, **kwargs) -> bool:
        kwargs["run_before"] = _then_steady(kwargs.get("run_before"))
        if snap_compare(*args, **kwargs):
            return True
        raise AssertionError(explain_report(node_to_report_path(request.node)))

    return compare


# The product hashes passwords with argon2-cffi's defaults (t=3, 64 MiB, p=4): about half a second of CPU for
# each hash and each log-in, which hundreds of log-ins in the TUI tests would pay again and again. The tests
# hash with the cheapest argon2id instead (the log-in reads the parameters from the stored hash, so every
# log-in is cheap too); tests/test_auth_security.py checks the product's parameters with
# `product_password_hashing`. Session-wide and autouse, so the demo templates are seeded with it too.
QUICK_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(scope="session", autouse=True)
def _quick_password_hashing():
    from crmterm.services.accounts import auth

    product, auth._hasher = auth._hasher, QUICK_HASHER
    auth._dummy_hash.cache_clear()
    yield
    auth._hasher = product
    auth._dummy_hash.cache_clear()


@pytest.fixture(scope="session", autouse=True)
def _quick_pilot_idle_check():
    """Pilot waits after every key it presses until the process has been idle for one "granule" (Textual:
    20 ms, twice per key); typing a name costs a second of sleep. 5 ms granules keep the same check (CPU
    time against wall time) at a quarter of the wait. Our tests wait for workers and steady screens
    explicitly (helpers.settle), and keys land in order however fast they come (the key gate)."""
    from textual import _wait

    saved = _wait.SLEEP_GRANULARITY, _wait.SLEEP_IDLE
    if not os.environ.get("CRMTERM_TEST_PILOT_20MS"):
        _wait.SLEEP_GRANULARITY, _wait.SLEEP_IDLE = 0.005, 0.005 / 20
    yield
    _wait.SLEEP_GRANULARITY, _wait.SLEEP_IDLE = saved


@pytest.fixture(scope="session", autouse=True)
def _notifications_remembered():
    """Every notification an app raised, kept for the test (helpers.notices): a toast expires after 5 s, and on
    a loaded machine a test may look for it later than that."""
    from textual.notifications import Notifications

    add = Notifications.add

    def add_and_remember(self, notification):
        self.__dict__.setdefault("told", []).append(notification)
        return add(self, notification)

    Notifications.add = add_and_remember
    yield
    Notifications.add = add


@pytest.fixture
def product_password_hashing(monkeypatch):
    """The product's own hasher (argon2-cffi's defaults) for the test that uses it."""
    from crmterm.services.accounts import auth

    monkeypatch.setattr(auth, "_hasher", PasswordHasher())
    auth._dummy_hash.cache_clear()
    yield
    auth._dummy_hash.cache_clear()


@pytest.fixture(autouse=True)
def _english_process():
    """Every test starts in English and leaves it so: code under test that sets the process's language
    (create_app, the CLI, a Russian user's log-in) must not change the next test's messages."""
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def russian():
    """The process speaks Russian for the test, English again after it."""
    set_language("ru")
    yield
    set_language("en")


@pytest.fixture
def people(demo_url) -> dict:
    """The demo's users by login, as actors."""
    from helpers import demo_people

    return demo_people(demo_url)


# Modules whose tests take seconds of CPU each (Pilot sessions, real processes, whole-package checks). They are
# handed out first, so the light tests fill the workers' last minutes instead of one worker finishing a long
# test while the others idle (longest first: the suite's wall time on two cores is its CPU time over two).
HEAVY_PREFIXES = ("test_tui", "test_snapshots", "test_bench", "test_types", "test_display_safety", "test_login_guard",
                  "test_idle_lock", "test_concurrency", "test_crash", "test_skills_concurrency", "test_kb_tui",
                  "test_problems", "test_take_next", "test_fuzz", "test_cli.py", "test_demo_content", "test_api_input",
                  "test_archive", "test_portal_browser", "test_mail_imap", "test_api_serve", "test_sync_serve")


def pytest_collection_modifyitems(items) -> None:
    items.sort(key=lambda item: not item.path.name.startswith(HEAVY_PREFIXES))  # stable: file order kept
