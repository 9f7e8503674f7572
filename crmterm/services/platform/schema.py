"""The database schema as the faces see it: where it stands, migrating it to head, and the PostgreSQL roles
(`crmterm db …`). The work is the store's (store/migrate.py, store/roles.py); faces come through here, as
they never import the store (checked by import-linter)."""

from __future__ import annotations

from pathlib import Path

from crmterm.store import migrate, roles
from crmterm.store.ownership import owns_schema
from crmterm.store.roles import RolePlan

__all__ = ["RolePlan", "owns_schema", "apply_roles", "current", "database_of", "head", "roles_script", "upgrade"]


def current(url: str) -> str | None:
    return migrate.current(url)


def head() -> str:
    return migrate.head()


def upgrade(url: str) -> Path | None:
    """Migrate to head; returns the SQLite backup made first, if any."""
    return migrate.upgrade(url)


def database_of(url: str) -> str:
    """The PostgreSQL database name of `url` (refuses SQLite, which has no roles)."""
    return roles.database_of(url)


def roles_script(plan: RolePlan, url: str) -> str:
    return roles.script(plan, url)


def apply_roles(plan: RolePlan, url: str) -> None:
    roles.apply(plan, url)
