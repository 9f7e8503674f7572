"""Outgoing webhooks: subscriptions, the outbox and the log of delivery attempts.

A subscription sends one event kind (`inquiry.created`, `sla.breach`, …) to one URL, signed with its secret.
The secret must be kept in clear: the deliverer signs every body with it (HMAC), so it cannot be hashed. A
removed subscription keeps its row (`removed_at`) so the delivery log still says where things went.

An outbox row is written in the transaction of the change it reports (services/integrations/outbox), so a
rolled-back change leaves none and a committed one is never lost; it goes `pending` → `delivered`, or
`failed` after the last attempt. `claim_token` names the deliverer holding the row while it posts
(services/integrations/delivery). Every attempt is one `webhook_attempt` row.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel

from crmterm.store.base import utcnow


class WebhookState(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class WebhookSubscription(SQLModel, table=True):
    __tablename__ = "webhook_subscription"
    __table_args__ = (Index("ix_webhook_subscription_kind", "kind", "removed_at"),)  # publish's lookup
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32, nullable=False)  # services/integrations/subscriptions.EVENT_KINDS
    url: str = Field(max_length=2000, nullable=False)
    secret: str = Field(max_length=128, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    created_by: str = Field(max_length=64, nullable=False)
    removed_at: datetime | None = None
    removed_by: str | None = Field(default=None, max_length=64)


class WebhookOutbox(SQLModel, table=True):
    __tablename__ = "webhook_outbox"
    __table_args__ = (Index("ix_webhook_outbox_due", "state", "next_attempt_at"),)  # the deliverer
    id: int | None = Field(default=None, primary_key=True)
    subscription_id: int = Field(foreign_key="webhook_subscription.id", nullable=False, index=True)
    kind: str = Field(max_length=32, nullable=False)
    payload: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    state: str = Field(default=WebhookState.PENDING, max_length=10, nullable=False)  # WebhookState
    attempts: int = Field(default=0, nullable=False)
    next_attempt_at: datetime = Field(default_factory=utcnow, nullable=False)
    last_status: int | None = None  # the receiver's HTTP status of the last attempt
    last_error: str | None = Field(default=None, max_length=1000)
    delivered_at: datetime | None = None
    claim_token: str | None = Field(default=None, max_length=32)


class WebhookAttempt(SQLModel, table=True):
    __tablename__ = "webhook_attempt"
    id: int | None = Field(default=None, primary_key=True)
    outbox_id: int = Field(foreign_key="webhook_outbox.id", nullable=False, index=True)
    at: datetime = Field(default_factory=utcnow, nullable=False)
    status: int | None = None  # HTTP status, None when no answer came (refused, timed out)
    error: str | None = Field(default=None, max_length=1000)
    delivered: bool = Field(default=False, nullable=False)
