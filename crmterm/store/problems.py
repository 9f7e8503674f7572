"""System problems (mass incidents: "no mobile internet in Moscow since 10:00") and the inquiries linked to
them; closing a problem closes or notifies its open inquiries in one action (services/inquiries/problem_close)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from crmterm.store.base import Versioned, utcnow

PROBLEM_STATES = ("open", "closed")


class SystemProblem(Versioned, table=True):
    """`service`, `region` and `topic_id` narrow whom it concerns; empty means every service / region /
    topic. Active (shown at registration) while open and started."""

    __tablename__ = "system_problem"
    __table_args__ = (Index("ix_system_problem_state_starts", "state", "starts_at"),)
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200, nullable=False)
    service: str | None = Field(default=None, max_length=64)  # a service code (the `services` dictionary)
    region: str | None = Field(default=None, max_length=64)  # a region code (the `regions` dictionary)
    topic_id: int | None = Field(default=None, foreign_key="topic.id")  # this topic and everything below it
    starts_at: datetime = Field(default_factory=utcnow, nullable=False)
    expected_end_at: datetime | None = None
    description: str = Field(default="", max_length=4000, nullable=False)
    state: str = Field(default="open", max_length=8, nullable=False)  # PROBLEM_STATES
    resolution: str = Field(default="", max_length=4000, nullable=False)
    closed_at: datetime | None = None
    created_by: str = Field(max_length=64, nullable=False)


class ProblemInquiry(SQLModel, table=True):
    """One inquiry linked to one problem. No foreign key to `inquiry`: the link outlives the inquiry's move
    to the archive (services/platform/archive), so a problem still lists everything that was linked to it."""

    __tablename__ = "problem_inquiry"
    problem_id: int = Field(foreign_key="system_problem.id", primary_key=True)
    inquiry_id: int = Field(primary_key=True, index=True)
    linked_at: datetime = Field(default_factory=utcnow, nullable=False)
    linked_by: str = Field(max_length=64, nullable=False)
