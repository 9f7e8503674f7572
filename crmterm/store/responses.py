"""The response library: canned answers an agent inserts into a comment or a reply, per topic and language.

`used_count` and `last_used_at` count insertions; they are kept outside the optimistic version (an agent using
an answer must not make an admin's open edit of it stale) and outside config as code (they are not config)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from crmterm.store.base import Labelled, Versioned


class CannedResponse(Labelled, Versioned, table=True):
    __tablename__ = "canned_response"
    __table_args__ = (UniqueConstraint("code"),)
    id: int | None = Field(default=None, primary_key=True)
    topic_id: int | None = Field(default=None, foreign_key="topic.id", index=True)  # None: any topic
    language: str = Field(default="en", max_length=8, nullable=False)
    body: str = Field(default="", max_length=4000, nullable=False)  # a Jinja template (services/knowledge/responses)
    used_count: int = Field(default=0, nullable=False)
    last_used_at: datetime | None = None
