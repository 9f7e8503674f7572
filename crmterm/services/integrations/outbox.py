"""Publishing an event to the webhook outbox: one row per live subscription of its kind, added to the
caller's session, so the rows commit with the change they report or roll back with it (a receiver never
hears of something that did not happen, and nothing that did happen is lost while it is down).

The payload is the event kind, its time and what it is about, with the field names of the CLI's `--json`
(`inquiry show`, `problem show`): receivers and scripts read the same names."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from crmterm.store import Inquiry, Priority, Queue, SystemProblem, Topic, User, config_cache, utcnow
from crmterm.store.webhooks import WebhookOutbox, WebhookSubscription


def _subscribers(session: Session, kind: str) -> tuple[int, ...]:
    """Read once per configuration state (store/config_cache): every new inquiry asks."""
    return config_cache.cached(session, ("webhook_subscribers", kind), lambda: _load_subscribers(session, kind))


def _load_subscribers(session: Session, kind: str) -> tuple[int, ...]:
    found = session.exec(select(col(WebhookSubscription.id)).where(
        WebhookSubscription.kind == kind, col(WebhookSubscription.removed_at).is_(None))).all()
    return tuple(i for i in found if i is not None)


def publish(session: Session, kind: str, payload: dict[str, Any]) -> int:
    """Queue `payload` for every subscription of `kind`; returns how many rows were queued."""
    ids = _subscribers(session, kind)
    return _queue(session, kind, ids, payload)


def _queue(session: Session, kind: str, ids: Sequence[int], payload: dict[str, Any]) -> int:
    now = utcnow()
    document = {"event": kind, "at": now.isoformat(), **payload}
    session.add_all([WebhookOutbox(subscription_id=i, kind=kind, payload=document, created_at=now,
                                   next_attempt_at=now) for i in ids])
    return len(ids)


def inquiry_event(session: Session, kind: str, inquiry_id: int, data: dict[str, Any] | None = None) -> int:
    """`inquiry.*` and `sla.*`: the inquiry as it is now in this transaction, plus the event's `data`."""
    ids = _subscribers(session, kind)
    if not ids:  # the common case costs one indexed read
        return 0
    row = session.execute(  # more columns than sqlmodel's select types
        select_columns(col(Inquiry.id), col(Topic.code), col(Inquiry.type), col(Inquiry.state), col(Queue.code),
               col(Inquiry.step), col(Priority.code), col(Inquiry.party_id), col(User.login), col(Inquiry.due_at),
               col(Inquiry.contact_id))
        .join(Topic, col(Topic.id) == Inquiry.topic_id)
        .outerjoin(Queue, col(Queue.id) == Inquiry.queue_id)
        .outerjoin(Priority, col(Priority.id) == Inquiry.priority_id)
        .outerjoin(User, col(User.id) == Inquiry.assignee_id)
        .where(col(Inquiry.id) == inquiry_id)).one()
    names = ("id", "topic", "type", "state", "queue", "step", "priority", "customer_id", "assignee", "due_at",
             "contact_id")
    inquiry = {name: _json(value) for name, value in zip(names, row, strict=True)}
    return _queue(session, kind, list(ids), {"inquiry": inquiry, "data": _json(data or {})})


def problem_event(session: Session, kind: str, problem_id: int) -> int:
    """`problem.opened` / `problem.closed`: the system problem as it is now in this transaction."""
    ids = _subscribers(session, kind)
    if not ids:
        return 0
    # read afresh (after the session's own changes are flushed): a guarded UPDATE may have changed the row
    # behind the session's back
    problem = session.exec(select(SystemProblem).where(col(SystemProblem.id) == problem_id)
                           .execution_options(populate_existing=True)).first()
    if problem is None:
        return 0
    fields = ("id", "title", "service", "region", "starts_at", "expected_end_at", "description", "state",
              "resolution", "closed_at", "created_by", "version")
    return _queue(session, kind, list(ids), {"problem": {name: _json(getattr(problem, name)) for name in fields}})


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    return value
