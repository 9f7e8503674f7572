"""The webhook delivery log (`crmterm webhook log`): every attempt, newest first, with what it was about,
where it went and what came back; and the deliveries that wait (admins only)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.store import WebhookAttempt, WebhookOutbox, WebhookSubscription


class AttemptRead(BaseModel):
    id: int
    at: datetime
    delivery: int  # the outbox id, sent as X-Crmterm-Delivery
    subscription: int
    kind: str
    url: str
    status: int | None  # the receiver's HTTP status; None when it did not answer
    error: str | None
    delivered: bool
    state: str  # the delivery's state now: pending (another attempt is due), delivered, failed
    attempts: int  # the delivery's attempts so far
    next_attempt_at: datetime | None  # when it is tried again (pending only)


def delivery_log(*, session: Session, actor: Actor, limit: int = 50, failed: bool = False) -> list[AttemptRead]:
    """The latest `limit` attempts; `failed`: only those that did not deliver."""
    require(actor, Permission.WEBHOOKS_ADMIN)
    query = (select(WebhookAttempt, WebhookOutbox, WebhookSubscription.url)
             .join(WebhookOutbox, col(WebhookOutbox.id) == WebhookAttempt.outbox_id)
             .join(WebhookSubscription, col(WebhookSubscription.id) == WebhookOutbox.subscription_id)
             .order_by(col(WebhookAttempt.id).desc()).limit(max(1, min(limit, 1000))))
    if failed:
        query = query.where(col(WebhookAttempt.delivered).is_(False))
    return [AttemptRead(id=attempt.id or 0, at=attempt.at, delivery=attempt.outbox_id,
                        subscription=outbox.subscription_id, kind=outbox.kind, url=url, status=attempt.status,
                        error=attempt.error, delivered=attempt.delivered, state=outbox.state,
                        attempts=outbox.attempts,
                        next_attempt_at=outbox.next_attempt_at if outbox.state == "pending" else None)
            for attempt, outbox, url in session.exec(query).all()]
