"""The registration an agent is typing, kept per user so a crash or restart loses nothing
(services/inquiries/registration_drafts). One row per user: the Register tab holds one contact at a time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from crmterm.store.base import utcnow


class RegistrationDraft(SQLModel, table=True):
    """`document` is the Register tab's state as plain JSON (contact fields, inquiries with topic codes,
    values, script answers, articles). `party_id` repeats the customer the draft names, so erasing a
    customer can delete their drafts with one indexed statement instead of reading every document."""

    __tablename__ = "registration_draft"
    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    party_id: int | None = Field(default=None, index=True)
    document: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, nullable=False)
