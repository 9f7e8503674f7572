"""Optimistic concurrency: bump a row's version only if nobody changed it since the caller read it."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session

from crmterm.store.base import utcnow


def claim_version(session: Session, model: type, row_id: int, expected: int, by: str) -> bool:
    """One guarded UPDATE; on PostgreSQL a concurrent writer waits on the row lock, then finds 0 rows."""
    result = session.execute(
        update(model)
        .where(model.id == row_id, model.version == expected)
        .values(version=model.version + 1, updated_at=utcnow(), updated_by=by)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1
