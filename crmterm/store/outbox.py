"""The claim-and-lease protocol shared by the outboxes (queued e-mail, webhooks): a deliverer takes due rows
with one guarded UPDATE and records each outcome only while it still holds the row.

Claiming gives due pending rows this run's token, one more attempt and a lease (`next_attempt_at` moved past
the time the batch may take). A second deliverer's UPDATE re-checks the guard and finds nothing to take
(PostgreSQL: the subquery skips rows another deliverer has locked, FOR UPDATE SKIP LOCKED; SQLite: writers
run one at a time). A run that dies mid-batch leaves its rows to be taken again when the lease ends."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from crmterm.store.tables import rowcount


def claim_due(session: Session, model: Any, *, pending: str, token: str, now: datetime, until: datetime,
              limit: int, where: tuple = ()) -> None:
    """Mark up to `limit` due pending rows of `model` (oldest due first) as this run's; read them by token."""
    due = (select(model.id).where(model.state == pending, col(model.next_attempt_at) <= now, *where)
           .order_by(col(model.next_attempt_at), col(model.id)).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    session.execute(update(model)
                    .where(col(model.id).in_(due), col(model.state) == pending, col(model.next_attempt_at) <= now)
                    .values(claim_token=token, attempts=model.attempts + 1, next_attempt_at=until)
                    .execution_options(synchronize_session=False))


def finish_claimed(session: Session, model: Any, row_id: int, *, pending: str, token: str, values: dict) -> bool:
    """Record an outcome only as the holder of the claim (a run whose lease ran out has lost the row)."""
    result = session.execute(update(model)
                             .where(col(model.id) == row_id, col(model.claim_token) == token,
                                    col(model.state) == pending)
                             .values(claim_token=None, **values).execution_options(synchronize_session=False))
    return rowcount(result) == 1


def backoff(base_seconds: float, max_seconds: float, attempts: int) -> timedelta:
    """After the n-th failed attempt: base · 2^(n-1), at most max."""
    return timedelta(seconds=min(max_seconds, base_seconds * 2 ** max(attempts - 1, 0)))
