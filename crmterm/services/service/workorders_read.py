"""How a work order reads (CLI `--json`, the dispatch board): the order with its technician, customer and the
time, materials and expenses recorded on it — a few queries for any number of orders."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.errors import NotFound
from crmterm.i18n import _
from crmterm.store import Inquiry, Party, User, WorkOrder, WorkOrderLine
from crmterm.store.tables import saved_id


class LineRead(BaseModel):
    kind: str  # time | material | expense
    minutes: int = 0
    product: str | None = None
    quantity: Decimal = Decimal(0)
    amount: Decimal = Decimal(0)
    text: str = ""
    recorded_by: str
    recorded_at: datetime


class WorkOrderRead(BaseModel):
    id: int
    inquiry_id: int
    customer: str
    state: str
    tasks: list[str]
    skills: dict[str, int]
    address: str
    region: str
    visit_on: date
    window_from: str
    window_to: str
    technician: str | None  # login
    technician_name: str | None
    minutes: int  # time recorded, in total
    expenses: Decimal  # recorded, in total
    lines: list[LineRead]
    accepted_by: str | None
    accepted_at: datetime | None
    dispatched_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    created_by: str
    version: int


def read_one(session: Session, order: WorkOrder) -> WorkOrderRead:
    return read_many(session, [order])[0]


def read_many(session: Session, orders: list[WorkOrder]) -> list[WorkOrderRead]:
    ids = [saved_id(o) for o in orders]
    lines: dict[int, list[LineRead]] = {}
    if ids:
        for line in session.exec(select(WorkOrderLine).where(col(WorkOrderLine.work_order_id).in_(ids))
                                 .order_by(col(WorkOrderLine.id))):
            lines.setdefault(line.work_order_id, []).append(LineRead.model_validate(line, from_attributes=True))
    people = _people(session, {o.technician_id for o in orders if o.technician_id is not None})
    customers = _customers(session, {o.inquiry_id for o in orders})
    return [_read(o, lines.get(saved_id(o), []), people, customers) for o in orders]


def user_id(session: Session, login: str) -> int:
    found = session.exec(select(User.id).where(User.login == login)).first()
    if found is None:
        raise NotFound(_("User"), login)
    return found


def _read(order: WorkOrder, lines: list[LineRead], people: dict[int, tuple[str, str]],
          customers: dict[int, str]) -> WorkOrderRead:
    login, name = people.get(order.technician_id, (None, None)) if order.technician_id else (None, None)
    return WorkOrderRead(
        id=saved_id(order), inquiry_id=order.inquiry_id, customer=customers.get(order.inquiry_id, ""),
        state=order.state, tasks=list(order.tasks), skills=dict(order.skills), address=order.address,
        region=order.region, visit_on=order.visit_on, window_from=order.window_from, window_to=order.window_to,
        technician=login, technician_name=name, minutes=sum(line.minutes for line in lines),
        expenses=sum((line.amount for line in lines if line.kind == "expense"), Decimal(0)), lines=lines,
        accepted_by=order.accepted_by, accepted_at=order.accepted_at, dispatched_at=order.dispatched_at,
        started_at=order.started_at, finished_at=order.finished_at, created_by=order.created_by,
        version=order.version)


def _people(session: Session, ids: set[int]) -> dict[int, tuple[str, str]]:
    if not ids:
        return {}
    rows = session.exec(select(User.id, User.login, User.display_name).where(col(User.id).in_(sorted(ids))))
    return {i: (login, name or login) for i, login, name in rows if i is not None}


def _customers(session: Session, inquiry_ids: set[int]) -> dict[int, str]:
    if not inquiry_ids:
        return {}
    rows = session.exec(select(Inquiry.id, Party.display_name).join(Party, col(Party.id) == Inquiry.party_id)
                        .where(col(Inquiry.id).in_(sorted(inquiry_ids))))
    return {i: name for i, name in rows if i is not None}
