"""Optimistic concurrency: bump a row's version only if nobody changed it since the caller read it."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session

from crmterm.store.base import Versioned, utcnow
from crmterm.store.tables import rowcount, table_of


def claim_version(session: Session, model: type[Versioned], row_id: int, expected: int, by: str) -> bool:
    """One guarded UPDATE; on PostgreSQL a concurrent writer waits on the row lock, then finds 0 rows."""
    columns = table_of(model).c  # typed columns: SQLModel's class attributes read as plain values
    result = session.execute(
        update(model)
        .where(columns.id == row_id, columns.version == expected)
        .values(version=columns.version + 1, updated_at=utcnow(), updated_by=by)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) == 1
