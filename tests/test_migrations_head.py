"""The schema check every command makes (services/platform/bootstrap.ensure_database → migrate.needs_upgrade)
answers without Alembic for a database at head, and still hands every other case to Alembic."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import text

from crmterm.store import migrate
from crmterm.store.db import engine_for


def test_the_newest_migration_file_is_the_head():
    """needs_upgrade trusts the last file by name: migrations must be numbered in the order they apply."""
    assert migrate.newest_file_revision() == migrate.head()


def test_a_database_at_head_is_checked_without_loading_alembic(db_url):
    code = ("import sys; from crmterm.store import migrate; "
            f"print(migrate.needs_upgrade({db_url!r}), 'alembic' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"], done.stderr


def test_a_database_behind_or_unknown_needs_the_upgrade(sqlite_url):
    migrate.downgrade(sqlite_url, migrate.previous(migrate.head()))
    assert migrate.needs_upgrade(sqlite_url)
    with engine_for(sqlite_url).begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'elsewhere'"))
    assert migrate.needs_upgrade(sqlite_url)
    with engine_for(sqlite_url).begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
    assert migrate.needs_upgrade(sqlite_url)
