"""Append-only log of admin changes: who, when, what, before and after."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from crmterm.store.base import utcnow


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True, nullable=False)
    actor: str = Field(max_length=64, nullable=False)
    source: str = Field(default="tui", max_length=16, nullable=False)  # tui | cli | import | seed
    action: str = Field(max_length=32, nullable=False)  # create | update | deactivate | activate | …
    entity: str = Field(max_length=64, nullable=False)
    entity_key: str = Field(max_length=200, nullable=False)
    before: dict | None = Field(default=None, sa_type=JSON)
    after: dict | None = Field(default=None, sa_type=JSON)
