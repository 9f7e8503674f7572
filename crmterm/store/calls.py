"""Incoming calls for screen pop (issue 22 item 5): telephony tells crmterm that a call rings for an agent
(`POST /calls`), and that agent's TUI opens the caller (services/inquiries/incoming_calls).

One row per call and agent: `call_id` is the telephony system's own id, unique per agent, so a repeated
notification of the same call finds its row instead of popping twice. `shown_at` is set once a workspace
opened the call; a call nobody showed stays unshown and is simply not offered once it is stale."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from crmterm.store.base import utcnow


class IncomingCall(SQLModel, table=True):
    __tablename__ = "incoming_call"
    __table_args__ = (
        UniqueConstraint("user_id", "call_id"),  # a repeat pops nothing
        Index("ix_incoming_call_waiting", "user_id", "shown_at", "created_at"),  # the workspace's lookup
    )
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", nullable=False)
    call_id: str = Field(max_length=128, nullable=False)
    number: str = Field(max_length=32, nullable=False)  # E.164
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    created_by: str = Field(max_length=64, nullable=False)  # the login whose token posted it
    shown_at: datetime | None = None
