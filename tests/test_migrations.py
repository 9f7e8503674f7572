"""Models and migrations agree on both databases; upgrades are idempotent and back SQLite up first."""

from __future__ import annotations

import sqlite3

from sqlalchemy import text

from crmterm.store import migrate
from crmterm.store.db import engine_for, sqlite_path


def test_models_match_migrations(db_url):
    assert migrate.current(db_url) == migrate.head()
    assert migrate.drift(db_url) == []


def test_upgrade_at_head_is_a_no_op(db_url):
    assert migrate.upgrade(db_url) is None


def test_builtin_roles_exist(db_url):
    with engine_for(db_url).connect() as connection:
        roles = set(connection.execute(text("SELECT code FROM role")).scalars())
    assert roles == {"agent", "supervisor", "admin", "auditor"}


def test_upgrade_of_an_older_sqlite_database_makes_a_backup_first(sqlite_url):
    with engine_for(sqlite_url).begin() as connection:
        connection.execute(text("INSERT INTO channel (code, labels, active, sort_order, version, created_at, "
                                "updated_at) VALUES ('phone', '{}', 1, 0, 1, '2026-01-01', '2026-01-01')"))
        connection.execute(text("UPDATE alembic_version SET version_num = 'older'"))
    backup = migrate._backup_sqlite(sqlite_url, "older")
    assert backup is not None and backup.parent == sqlite_path(sqlite_url).parent
    with sqlite3.connect(backup) as copy:
        assert copy.execute("SELECT code FROM channel").fetchall() == [("phone",)]


def test_an_upgrade_from_the_previous_revision_backs_up_first_and_upgrades(sqlite_url):
    """A real upgrade: the database one revision behind is copied aside (content and revision as they were)
    and then brought to head."""
    with engine_for(sqlite_url).begin() as connection:
        connection.execute(text("INSERT INTO channel (code, labels, active, sort_order, version, created_at, "
                                "updated_at) VALUES ('phone', '{}', 1, 0, 1, '2026-01-01', '2026-01-01')"))
    previous = migrate.previous(migrate.head())
    migrate.downgrade(sqlite_url, previous)
    assert migrate.current(sqlite_url) == previous
    backup = migrate.upgrade(sqlite_url)
    assert migrate.current(sqlite_url) == migrate.head() and migrate.drift(sqlite_url) == []
    assert backup is not None and backup.parent == sqlite_path(sqlite_url).parent
    with sqlite3.connect(backup) as copy:
        assert copy.execute("SELECT version_num FROM alembic_version").fetchall() == [(previous,)]
        assert copy.execute("SELECT code FROM channel").fetchall() == [("phone",)]


def test_every_migration_downgrades_and_upgrades_again(owner_db_url):
    """upgrade → downgrade to nothing → upgrade, as the schema owner, on both databases: every downgrade
    runs once, and the schema that comes back matches the models."""
    migrate.downgrade(owner_db_url, "base")
    assert migrate.current(owner_db_url) is None
    migrate.upgrade(owner_db_url, backup=False)
    assert migrate.current(owner_db_url) == migrate.head()
    assert migrate.drift(owner_db_url) == []
