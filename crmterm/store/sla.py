"""Business calendars and SLA regulations (configuration; the arithmetic is crmterm.workflow.calendar).

A calendar's week and exceptions are small validated documents (JSON), read whole, like a route's steps:
    week: {"mon": ["09:00-13:00", "14:00-18:00"], …}    exceptions: {"2026-01-01": [], …}
A regulation's times are per priority code ("*": any other) in business hours:
    times: {"critical": {"react": 0.25, "resolve": 4}, "*": {"react": 2, "resolve": 40}}
Escalation rules say what happens when a clock nears (warning) or passes (breach) its deadline; the SLA scan
(services/sla/sla_scan) leaves one mark per inquiry, clock, level and deadline, so each fires once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from crmterm.store.base import Labelled, Versioned, utcnow


class Calendar(Labelled, Versioned, table=True):
    """Working hours in a time zone; `is_default` marks the one used where nothing names a calendar."""

    __table_args__ = (UniqueConstraint("code"),)
    id: int | None = Field(default=None, primary_key=True)
    time_zone: str = Field(default="UTC", max_length=64, nullable=False)
    week: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)
    exceptions: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)
    is_default: bool = Field(default=False, nullable=False)


class SlaRule(Labelled, Versioned, table=True):
    """A regulation: reaction and resolution times per priority for the topics it lists and everything below
    them (the nearest listed topic wins); one listing no topics covers every topic no other rule does."""

    __tablename__ = "sla_rule"
    __table_args__ = (UniqueConstraint("code"),)
    id: int | None = Field(default=None, primary_key=True)
    topics: list = Field(default_factory=list, sa_type=JSON, nullable=False)  # topic codes
    calendar_id: int | None = Field(default=None, foreign_key="calendar.id", index=True)  # None: the default
    times: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)
    # a clock is "near" its deadline once this share of its business time is used (0: no warnings)
    warn_percent: int = Field(default=80, nullable=False, sa_column_kwargs={"server_default": "80"})


class EscalationRule(Labelled, Versioned, table=True):
    """On a clock's warning or breach, for inquiries its condition (CEL) holds for: raise the priority, move
    to another queue, notify the assignee, the queue's administrators and/or a mailing list."""

    __tablename__ = "escalation_rule"
    __table_args__ = (UniqueConstraint("code"),)
    id: int | None = Field(default=None, primary_key=True)
    clock: str = Field(default="resolve", max_length=8, nullable=False)  # resolve | react
    when: str = Field(default="breach", max_length=8, nullable=False)  # warning | breach
    condition: str = Field(default="true", max_length=1000, nullable=False)
    priority_id: int | None = Field(default=None, foreign_key="priority.id")  # raise to (never lowers)
    queue_id: int | None = Field(default=None, foreign_key="queue.id")  # transfer to
    notify_assignee: bool = Field(default=False, nullable=False)
    notify_queue_admins: bool = Field(default=False, nullable=False)
    mailing_list_id: int | None = Field(default=None, foreign_key="mailing_list.id")


class SlaMark(SQLModel, table=True):
    """An inquiry's clock reached a level for a given deadline: the scan's once-only record (a new deadline
    can warn and breach again; the same one never twice, however many scanners run)."""

    __tablename__ = "sla_mark"
    __table_args__ = (UniqueConstraint("inquiry_id", "clock", "level", "deadline"),
                      Index("ix_sla_mark_level_at", "level", "at"))  # breaches today (the dashboard's tile)
    id: int | None = Field(default=None, primary_key=True)
    inquiry_id: int = Field(foreign_key="inquiry.id", nullable=False)
    clock: str = Field(max_length=8, nullable=False)
    level: str = Field(max_length=8, nullable=False)
    deadline: datetime = Field(nullable=False)
    at: datetime = Field(default_factory=utcnow, nullable=False)
