"""The dispatch board: technicians × the days of a week with the visits booked in each cell, and the week's
unassigned work orders each with the technician proposed for it (dispatch_plan); assigning the proposal is
one call. Dispatchers only (service.dispatch)."""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.errors import Conflict
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.service import technicians, workorders, workorders_flow, workorders_read
from crmterm.services.service.dispatch_plan import Candidate, Need, minutes, propose
from crmterm.services.service.technicians import TechnicianRead
from crmterm.services.service.workorders_read import WorkOrderRead
from crmterm.store import Calendar, WorkOrder
from crmterm.workflow import calendar_spec
from crmterm.workflow.calendar import BusinessCalendar

BOOKED_STATES = ("dispatched", "in_progress", "done")  # a window given to someone, whether visited yet or not
WEEK = 7


class BoardVisit(BaseModel):
    id: int
    inquiry_id: int
    customer: str
    state: str
    window: str  # "09:00-13:00"
    visit_on: date
    region: str
    skills: dict[str, int]
    technician: str | None
    proposed: str | None = None  # unassigned orders: whom the board proposes


class BoardRow(BaseModel):
    technician: TechnicianRead
    days: list[list[BoardVisit]]  # one list per day of the board


class Board(BaseModel):
    days: list[date]
    rows: list[BoardRow]
    unassigned: list[BoardVisit]


def week_of(day: date) -> date:
    """The Monday of the week `day` is in."""
    return day - timedelta(days=day.weekday())


def board(*, session: Session, actor: Actor, start: date) -> Board:
    """The week from `start`: every active technician's visits per day, and the orders planned for that week
    that nobody has yet, with a proposal each."""
    require(actor, Permission.SERVICE_DISPATCH)
    days = [start + timedelta(days=n) for n in range(WEEK)]
    people = technicians.list_technicians(session=session, actor=actor, active_only=True)
    orders = session.exec(select(WorkOrder).where(col(WorkOrder.visit_on) >= days[0],
                                                  col(WorkOrder.visit_on) <= days[-1],
                                                  WorkOrder.state != "cancelled")
                          .order_by(col(WorkOrder.visit_on), col(WorkOrder.window_from), col(WorkOrder.id))).all()
    visits = [_visit(r) for r in workorders_read.read_many(session, list(orders))]
    rows = [BoardRow(technician=who, days=[[v for v in visits if v.technician == who.login and v.visit_on == day]
                                           for day in days]) for who in people]
    loose = [v for v in visits if v.technician is None and v.state == "planned"]
    calendars = _calendars(session, people)
    for visit in loose:
        visit.proposed = propose(_need(visit), _candidates(people, calendars, visits, visit.visit_on))
    return Board(days=days, rows=rows, unassigned=loose)


def proposal(*, session: Session, actor: Actor, work_order_id: int) -> str | None:
    """Whom the board proposes for one order (None: nobody qualifies)."""
    require(actor, Permission.SERVICE_DISPATCH)
    order = workorders.visible(session, actor, work_order_id)
    found = board(session=session, actor=actor, start=order.visit_on)  # a week from its day: all it needs
    return next((v.proposed for v in found.unassigned if v.id == work_order_id), None)


def assign_proposed(*, session: Session, actor: Actor, work_order_id: int) -> WorkOrderRead:
    require(actor, Permission.SERVICE_DISPATCH)
    chosen = proposal(session=session, actor=actor, work_order_id=work_order_id)
    if chosen is None:
        raise Conflict(_("no technician qualifies for work order {n}").format(n=work_order_id))
    return workorders_flow.dispatch(session=session, actor=actor, work_order_id=work_order_id, technician=chosen)


def _visit(order: WorkOrderRead) -> BoardVisit:
    return BoardVisit(id=order.id, inquiry_id=order.inquiry_id, customer=order.customer, state=order.state,
                      window=f"{order.window_from}-{order.window_to}", visit_on=order.visit_on, region=order.region,
                      skills=order.skills, technician=order.technician)


def _need(visit: BoardVisit) -> Need:
    start, _sep, end = visit.window.partition("-")
    return Need(skills=visit.skills, region=visit.region, day=visit.visit_on, window=(minutes(start), minutes(end)))


def _candidates(people: list[TechnicianRead], calendars: dict[str | None, BusinessCalendar | None],
                visits: list[BoardVisit], day: date) -> list[Candidate]:
    found = []
    for who in people:
        booked = tuple(_need(v).window for v in visits
                       if v.technician == who.login and v.visit_on == day and v.state in BOOKED_STATES)
        hours = calendars.get(who.calendar)
        working = tuple(hours.wall_segments(day)) if hours is not None else ((0, 24 * 60),)
        found.append(Candidate(login=who.login, region=who.region, skills=who.skills, working=working,
                               booked=booked))
    return found


def _calendars(session: Session, people: list[TechnicianRead]) -> dict[str | None, BusinessCalendar | None]:
    """Each technician's calendar by code; None (no calendar named) is the default calendar, if any."""
    rows = session.exec(select(Calendar)).all()
    parsed: dict[str | None, BusinessCalendar | None] = {
        row.code: calendar_spec.from_document(row.code, row.time_zone, row.week, row.exceptions)
        for row in rows if row.code in {p.calendar for p in people} or row.is_default}
    default = next((parsed[row.code] for row in rows if row.is_default and row.code in parsed), None)
    return {**parsed, None: default}

