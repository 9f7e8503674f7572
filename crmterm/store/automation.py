"""Requests from other systems remembered by their external id, and automation rules.

`ExternalRequest` makes the external API idempotent: the row is claimed (unique source + external id) in the
same transaction as the request's effect, so a retried call finds it and returns the stored result instead
of doing the work again; `digest` tells a true retry from an id reused for a different request.

`AutomationRule` is configuration (a directory area): on an inquiry event, when the CEL condition holds, run
the actions — a small validated document (JSON), read whole, like a route's transitions.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from crmterm.store.base import Labelled, Versioned, utcnow


class ExternalRequest(SQLModel, table=True):
    __tablename__ = "external_request"
    __table_args__ = (UniqueConstraint("source", "external_id"),)
    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=64, nullable=False)  # the calling system (by default its login)
    external_id: str = Field(max_length=200, nullable=False)  # the caller's id of the request
    kind: str = Field(max_length=32, nullable=False)  # register | event
    digest: str = Field(max_length=64, nullable=False)  # sha256 of the request as first received
    result: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)  # what the first call returned
    inquiry_id: int | None = None  # the inquiry it concerned (no foreign key: archiving may remove inquiries)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    created_by: str = Field(max_length=64, nullable=False)


class AutomationRule(Labelled, Versioned, table=True):
    __tablename__ = "automation_rule"
    __table_args__ = (UniqueConstraint("code"),
                      Index("ix_automation_rule_event", "event", "active"))  # the rules of one event
    id: int | None = Field(default=None, primary_key=True)
    event: str = Field(max_length=32, nullable=False)  # created, moved, taken, … (workflow.automation.EVENTS)
    condition: str = Field(default="true", max_length=2000, nullable=False)  # CEL over the event's context
    actions: list = Field(default_factory=list, sa_type=JSON, nullable=False)
