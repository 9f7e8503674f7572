"""The notification outbox: one row per recipient and channel.

In-app rows belong to a user (`user_id`) and go `sent` (in the inbox, unread) → `read`. E-mail rows carry an
address and go `pending` → `sent`, or `failed` after the last attempt; `attempts`, `next_attempt_at` and
`last_error` record the retries. `dedupe_key` is unique, so enqueueing the same thing twice (a re-run job, a
retried transaction) never yields a second row. `claim_token` names the deliverer holding a row while it
sends (services/sla/notification_delivery).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from crmterm.store.base import utcnow


class NotificationState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    READ = "read"


class NotificationChannel(StrEnum):
    IN_APP = "in_app"
    EMAIL = "email"


class Notification(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("dedupe_key"),
                      Index("ix_notification_due", "channel", "state", "next_attempt_at"),  # the deliverer
                      Index("ix_notification_inbox", "user_id", "id"),  # a user's list, newest first
                      Index("ix_notification_unread", "user_id", "state"))  # the unread count
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=8, nullable=False)  # NotificationChannel
    user_id: int | None = Field(default=None, foreign_key="app_user.id")  # in-app recipient
    address: str | None = Field(default=None, max_length=254)  # e-mail recipient
    language: str = Field(max_length=8, nullable=False)
    event: str = Field(max_length=64, nullable=False)  # what happened: inquiry_transition, sla_breach, …
    template: str = Field(max_length=128, nullable=False)  # the template rendered, e.g. inquiry_transition/ru
    subject: str = Field(max_length=300, nullable=False)
    body: str = Field(sa_type=Text, nullable=False)  # plain text
    body_html: str | None = Field(default=None, sa_type=Text)
    data: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)  # what the template was given
    inquiry_id: int | None = None  # the inquiry it is about (no foreign key: archiving may remove inquiries)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    state: str = Field(max_length=8, nullable=False)  # NotificationState
    attempts: int = Field(default=0, nullable=False)
    next_attempt_at: datetime | None = None
    last_error: str | None = Field(default=None, max_length=1000)
    sent_at: datetime | None = None
    read_at: datetime | None = None
    claim_token: str | None = Field(default=None, max_length=32)
    dedupe_key: str = Field(max_length=255, nullable=False)
