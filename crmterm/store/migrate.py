"""Schema migrations (Alembic inside the package): upgrade, current revision, model/migration drift check."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from crmterm.store.base import utcnow
from crmterm.store.db import create_private, engine_for, sqlite_path
from crmterm.store.search import include_object

_MIGRATIONS = Path(__file__).with_name("migrations")


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    return config


def head() -> str:
    current = ScriptDirectory.from_config(_config()).get_current_head()
    if current is None:  # only a broken installation has no migrations
        raise RuntimeError(f"no migrations under {_MIGRATIONS}")
    return current


def known_revisions() -> set[str]:
    return {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}


def current(url: str) -> str | None:
    with engine_for(url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def needs_upgrade(url: str) -> bool:
    return current(url) != head()


def upgrade(url: str, *, backup: bool = True) -> Path | None:
    """Migrate to head. An existing SQLite database is copied aside first; returns the backup path."""
    before = current(url)
    if before == head():
        return None
    saved = _backup_sqlite(url, before) if backup and before is not None else None
    config = _config()
    with engine_for(url).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return saved


def downgrade(url: str, revision: str) -> None:
    """Migrate down to `revision` ("base": an empty schema). For tests and for backing out a release."""
    config = _config()
    with engine_for(url).begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def previous(revision: str) -> str | None:
    """The revision just before `revision` in the migration history."""
    script = ScriptDirectory.from_config(_config())
    down = script.get_revision(revision).down_revision
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
    import crmterm.store  # noqa: F401

    with engine_for(url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                              "include_object": include_object})
        return compare_metadata(context, SQLModel.metadata)


def revision(url: str, message: str) -> None:
    """Developer helper: autogenerate a new migration against a database at head."""
    config = _config()
    with engine_for(url).begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
