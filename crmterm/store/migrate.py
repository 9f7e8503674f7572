"""Schema migrations (Alembic inside the package): upgrade, current revision, model/migration drift check.

Alembic is imported by the functions that use it: every command checks that its database is at the current
schema (services/platform/bootstrap), and loading Alembic with the migration scripts for that costs 0.3 s a
command. `needs_upgrade` answers from the version table and the migration file names when they agree."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import SQLModel

from crmterm.store.base import utcnow
from crmterm.store.db import create_private, engine_for, sqlite_path
from crmterm.store.search import include_object

if TYPE_CHECKING:
    from alembic.config import Config

_MIGRATIONS = Path(__file__).with_name("migrations")
_REVISION_LINE = re.compile(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    return config


def _scripts():
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config())


def head() -> str:
    current = _scripts().get_current_head()
    if current is None:  # only a broken installation has no migrations
        raise RuntimeError(f"no migrations under {_MIGRATIONS}")
    return current


def newest_file_revision() -> str | None:
    """The revision of the last migration file by name (NNNN_what.py), read as text without Alembic. Equal to
    head() as long as files are numbered in order (tests/test_migrations_head.py holds it to that)."""
    files = sorted((_MIGRATIONS / "versions").glob("[0-9]*.py"))
    found = _REVISION_LINE.search(files[-1].read_text(encoding="utf-8")) if files else None
    return found.group(1) if found else None


def known_revisions() -> set[str]:
    return {script.revision for script in _scripts().walk_revisions()}


def current(url: str) -> str | None:
    from alembic.migration import MigrationContext

    with engine_for(url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def needs_upgrade(url: str) -> bool:
    if _recorded_revision(url) == newest_file_revision():
        return False  # the common case, answered without Alembic
    return current(url) != head()


def _recorded_revision(url: str) -> str | None:
    """The one revision in Alembic's version table, or None (no table yet, several rows, any error: then
    Alembic itself decides)."""
    try:
        with engine_for(url).connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except SQLAlchemyError:
        return None
    return rows[0][0] if len(rows) == 1 else None


def upgrade(url: str, *, backup: bool = True) -> Path | None:
    """Migrate to head. An existing SQLite database is copied aside first; returns the backup path."""
    before = current(url)
    if before == head():
        return None
    saved = _backup_sqlite(url, before) if backup and before is not None else None
    from alembic import command

    config = _config()
    with engine_for(url).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return saved


def downgrade(url: str, revision: str) -> None:
    """Migrate down to `revision` ("base": an empty schema). For tests and for backing out a release."""
    from alembic import command

    config = _config()
    with engine_for(url).begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def previous(revision: str) -> str | None:
    """The revision just before `revision` in the migration history."""
    down = _scripts().get_revision(revision).down_revision
    return down if isinstance(down, str) or down is None else down[0]


def _backup_sqlite(url: str, revision: str) -> Path | None:
    path = sqlite_path(url)
    if path is None or not path.exists():
        return None
    target = path.with_name(f"{path.name}.{revision}.{utcnow():%Y%m%d%H%M%S}.bak")
    create_private(target)
    with sqlite3.connect(path) as source, sqlite3.connect(target) as copy:
        source.backup(copy)  # consistent copy even with WAL and other readers
    return target


def drift(url: str) -> list:
    """Differences between the models and the migrated database (empty when they agree)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from crmterm.store import load_all

    load_all()  # compared against every table
    with engine_for(url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                              "include_object": include_object})
        return compare_metadata(context, SQLModel.metadata)


def revision(url: str, message: str) -> None:
    """Developer helper: autogenerate a new migration against a database at head."""
    from alembic import command

    config = _config()
    with engine_for(url).begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
