"""Whether this database connection owns the crmterm schema: only such a connection may act as the password-less
local `system` account (issue 20, item 1). An agent's machine that holds the application role's credentials
must name a user and give that user's password for every command.

SQLite: the process's user owns the database file (or will create it). PostgreSQL: the connected role has the
privileges of the role that owns the tables (the owner role of `crmterm db roles`, or a superuser); before the
first migration, the role that may create them in the schema."""

from __future__ import annotations

import os

from sqlalchemy import text

from crmterm.store.db import engine_for, sqlite_path

# pg_has_role(…, 'USAGE') is true for members of the owner role and for superusers.
_PG_OWNS_SCHEMA = text("""
    SELECT CASE WHEN to_regclass('alembic_version') IS NULL
                THEN has_schema_privilege(current_user, current_schema(), 'CREATE')
                ELSE (SELECT pg_has_role(current_user, c.relowner, 'USAGE')
                      FROM pg_class c WHERE c.oid = to_regclass('alembic_version'))
           END
""")


def owns_schema(url: str) -> bool:
    """True when `url` connects as the schema's owner. Creates nothing (a SQLite file that does not exist yet
    will be created by this process, so it counts as owned)."""
    path = sqlite_path(url)
    if path is not None:
        try:
            return path.stat().st_uid == os.geteuid()
        except FileNotFoundError:
            return True
    with engine_for(url).connect() as connection:
        return bool(connection.execute(_PG_OWNS_SCHEMA).scalar())
