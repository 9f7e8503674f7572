"""Making a database ready: migrate an embedded SQLite file on first use; refuse an unmigrated server."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select

from crmterm.errors import ConfigError
from crmterm.i18n import _
from crmterm.settings import mask_url
from crmterm.store import User, migrate
from crmterm.store.db import backend, sqlite_path
from crmterm.store.ownership import owns_schema

_checked: set[str] = set()


def ensure_database(url: str) -> None:
    """SQLite: create/upgrade in place (with a backup). PostgreSQL: must be upgraded explicitly by its owner."""
    if url in _checked:
        return
    if migrate.needs_upgrade(url):
        if backend(url) != "sqlite":
            raise ConfigError(_("database {url} is not at the current schema; run: crmterm db upgrade")
                              .format(url=mask_url(url)))
        migrate.upgrade(url)
    _checked.add(url)


def missing_sqlite_file(url: str) -> Path | None:
    """The SQLite file `url` names when it does not exist yet (read-only commands refuse to create it)."""
    path = sqlite_path(url)
    return path if path is not None and not path.exists() else None


def has_users(session: Session) -> bool:
    return session.exec(select(User.id).limit(1)).first() is not None


def prepare(url: str) -> dict[str, str]:
    """Make the database ready for the TUI; on an empty one load the demo. Returns demo logins it created."""
    from crmterm.services.accounts.permissions import SYSTEM
    from crmterm.services.platform import seed
    from crmterm.store.db import unit_of_work

    ensure_database(url)
    with unit_of_work(url) as session:
        if has_users(session):
            return {}
        if not owns_schema(url):  # demo logins with known passwords only where the owner sets up the database
            raise ConfigError(_("no users yet: the schema owner adds them (crmterm user add, or crmterm seed demo)"))
        logins = seed.seed_demo(session=session, actor=SYSTEM).logins
    from crmterm.services.platform import demo_day  # after the demo's commit: registering reads it

    with unit_of_work(url) as session:
        demo_day.seed_demo_day(session)  # numbers on the Dashboard's tiles from the first start
    from crmterm.services.sales import sales_demo_orders

    with unit_of_work(url) as session:
        sales_demo_orders.seed_demo_orders(session)  # orders on their routes, after the day's inquiries
    from crmterm.services.service import workorders_demo

    with unit_of_work(url) as session:
        workorders_demo.seed_demo_work_orders(session)  # the dispatch board's week, on inquiries of its own
    from crmterm.services.retention import retention_demo

    with unit_of_work(url) as session:  # a campaign worked, its calls rated, a loyalty tier applied
        retention_demo.seed_demo_retention(session=session, actor=SYSTEM)
    return logins
