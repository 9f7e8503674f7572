"""Is the database there? For `/health` of `crmterm serve` (load balancers and monitoring ask it often)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from crmterm.errors import CrmError
from crmterm.store.db import in_transaction


def database_ok(url: str) -> bool:
    """One round trip to the database, with a short wait on a busy SQLite file: a health check answers fast."""
    try:
        return in_transaction(url, lambda session: session.execute(text("SELECT 1")).scalar() == 1, wait=2.0)
    except (SQLAlchemyError, CrmError):
        return False
