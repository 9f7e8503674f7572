"""Sales activities (services/sales/activities): calls, meetings and tasks of a seller about a customer and/or
an opportunity, on a calendar; and the activity plans (config as code) that create them when an opportunity
enters a stage of its sales process."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, UniqueConstraint
from sqlmodel import Field

from crmterm.store.base import Versioned


class SalesActivity(Versioned, table=True):
    """One call, meeting or task. `reminded_at` marks the reminder sent (once per activity and start time)."""

    __tablename__ = "sales_activity"
    __table_args__ = (Index("ix_sales_activity_owner", "owner_id", "starts_at"),
                      Index("ix_sales_activity_remind", "state", "reminded_at", "starts_at"))
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=8, nullable=False)  # call | meeting | task
    title: str = Field(max_length=200, nullable=False)
    party_id: int | None = Field(default=None, foreign_key="party.id", index=True)
    opportunity_id: int | None = Field(default=None, foreign_key="opportunity.id", index=True)
    owner_id: int | None = Field(default=None, foreign_key="app_user.id")
    starts_at: datetime = Field(nullable=False)
    duration: int = Field(default=30, nullable=False)  # minutes
    state: str = Field(default="open", max_length=8, nullable=False)  # open | done
    outcome: str = Field(default="", max_length=500, nullable=False)
    done_at: datetime | None = None
    contact_id: int | None = Field(default=None, foreign_key="contact.id")  # the call registered from it
    plan: str | None = Field(default=None, max_length=64)  # the activity plan that created it
    reminded_at: datetime | None = None


class SalesActivityPlan(Versioned, table=True):
    """Activities to create when an opportunity of `process` enters `stage`: [{kind, title: {en, ru},
    offset_days, duration}]."""

    __tablename__ = "sales_activity_plan"
    __table_args__ = (UniqueConstraint("code"), Index("ix_sales_activity_plan_stage", "process", "stage"))
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, nullable=False)
    process: str = Field(max_length=64, nullable=False)
    stage: str = Field(max_length=64, nullable=False)
    activities: list = Field(default_factory=list, sa_type=JSON, nullable=False)
