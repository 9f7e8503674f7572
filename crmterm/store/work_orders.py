"""Field service (issue 27, item 4): technicians and the work orders dispatched to them.

A technician is a user (skills stay in `agent_skill`, the skills routing catalogue) with a region and a working
calendar; a work order hangs off an inquiry and is visited within a window on one day. The time, materials and
expenses recorded on a visit are lines of their own, never edited: a correction is another line.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Index, Numeric
from sqlmodel import Field, SQLModel

from crmterm.store.base import Versioned, utcnow

WORK_ORDER_STATES = ("planned", "dispatched", "in_progress", "done", "cancelled")
LINE_KINDS = ("time", "material", "expense")


class Technician(Versioned, table=True):
    """A user who goes out to customers: the region they serve and the calendar of their working hours."""

    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    region: str = Field(max_length=64, nullable=False, index=True)
    calendar_id: int | None = Field(default=None, foreign_key="calendar.id")  # None: the default calendar
    active: bool = Field(default=True, nullable=False)


class WorkOrder(Versioned, table=True):
    """Field work for one inquiry: what to do (tasks), who can (skills), where (address, region) and when
    (a day and a local from–to window); planned → dispatched → in_progress → done, or cancelled."""

    __tablename__ = "work_order"
    __table_args__ = (Index("ix_work_order_technician_day", "technician_id", "visit_on"),)
    id: int | None = Field(default=None, primary_key=True)
    inquiry_id: int = Field(foreign_key="inquiry.id", nullable=False, index=True)
    state: str = Field(default="planned", max_length=16, nullable=False, index=True)  # WORK_ORDER_STATES
    tasks: list = Field(default_factory=list, sa_type=JSON, nullable=False)  # texts, in order
    skills: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)  # skill code -> minimum level
    address: str = Field(default="", max_length=300, nullable=False)
    region: str = Field(max_length=64, nullable=False)
    visit_on: date = Field(nullable=False)
    window_from: str = Field(max_length=5, nullable=False)  # "HH:MM", local time of the region
    window_to: str = Field(max_length=5, nullable=False)
    technician_id: int | None = Field(default=None, foreign_key="app_user.id")
    dispatched_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None  # done or cancelled
    accepted_by: str | None = Field(default=None, max_length=200)  # the customer's name on acceptance
    accepted_at: datetime | None = None
    created_by: str = Field(max_length=64, nullable=False)


class WorkOrderLine(SQLModel, table=True):
    """Time (minutes), a material (a catalogue product and quantity) or an expense (amount and text)."""

    __tablename__ = "work_order_line"
    id: int | None = Field(default=None, primary_key=True)
    work_order_id: int = Field(foreign_key="work_order.id", nullable=False, index=True)
    kind: str = Field(max_length=16, nullable=False)  # LINE_KINDS
    minutes: int = Field(default=0, nullable=False)
    product: str | None = Field(default=None, max_length=64)  # sales catalogue code, for materials
    quantity: Decimal = Field(default=Decimal(0), sa_type=Numeric(12, 3), nullable=False)
    amount: Decimal = Field(default=Decimal(0), sa_type=Numeric(12, 2), nullable=False)
    text: str = Field(default="", max_length=300, nullable=False)
    recorded_by: str = Field(max_length=64, nullable=False)
    recorded_at: datetime = Field(default_factory=utcnow, nullable=False)
