"""Work orders: field work raised from an inquiry — tasks, required skills, address, region and a visit window
(one day, a local from–to) — read with what was recorded on the visit.

Who sees what: service.dispatch sees every order; anyone else (technicians, service.work) only the orders
dispatched to them. The state changes and the visit's lines are in workorders_flow."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from crmterm.errors import NotFound, PermissionDenied, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.inquiries import external_events, inquiry_log
from crmterm.services.routing import skill_rules
from crmterm.services.service import workorders_read
from crmterm.services.service.workorders_read import WorkOrderRead
from crmterm.store import Inquiry, Skill, WorkOrder
from crmterm.workflow import engine

OPEN_STATES = ("planned", "dispatched", "in_progress")
PLANNED_EVENT = "work_order_planned"
_WINDOW = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s+([0-2]\d:[0-5]\d)\s*[-–]\s*([0-2]\d:[0-5]\d)\s*$")
TEXT_LIMIT = 300


def parse_window(text: str) -> tuple[date, str, str]:
    """`2026-12-08 09:00-13:00` → the day and the local from/to times (from before to, both within the day)."""
    found = _WINDOW.match(text or "")
    if found is None:
        raise ValidationError("window", _("expected DATE FROM-TO, e.g. {example}").format(
            example="2026-12-08 09:00-13:00"))
    try:
        day = date.fromisoformat(found.group(1))
    except ValueError:
        raise ValidationError("window", _("no such date: {day}").format(day=found.group(1))) from None
    start, end = found.group(2), found.group(3)
    if not start < end <= "24:00":
        raise ValidationError("window", _("the window must end after it starts, within the day"))
    return day, start, end


def create_work_order(*, session: Session, actor: Actor, inquiry_id: int, region: str, window: str,
                      skills: Any = None, tasks: list[str] | None = None, address: str = "",
                      source: str = "cli") -> WorkOrderRead:
    """A planned work order for an open inquiry, logged on the inquiry's timeline; the event
    `work_order_planned` is pushed onto the inquiry, so its route may move it (e.g. to field service)."""
    require(actor, Permission.SERVICE_WORK)
    inquiry = session.get(Inquiry, inquiry_id)
    if inquiry is None:
        raise NotFound(_("Inquiry"), str(inquiry_id))
    if inquiry.state not in engine.OPEN:
        raise ValidationError("inquiry", _("inquiry {n} is {state}").format(n=inquiry_id, state=inquiry.state))
    visit_on, start, end = parse_window(window)
    order = WorkOrder(inquiry_id=inquiry_id, region=_text("region", region, 64, required=True),
                      address=_text("address", address, TEXT_LIMIT), visit_on=visit_on, window_from=start,
                      window_to=end, skills=_skills(session, skills),
                      tasks=[_text("tasks", t, TEXT_LIMIT, required=True) for t in tasks or []],
                      created_by=actor.login, updated_by=actor.login)
    session.add(order)
    session.flush()
    inquiry_log.record(session, inquiry_id, actor, "work_order", text=_("work order {n} planned").format(
        n=order.id), data={"work_order": order.id, "state": "planned", "source": source})
    # the route decides whether a planned visit moves the inquiry (the transition waiting for the event)
    external_events.push(session=session, actor=actor, inquiry_id=inquiry_id, name=PLANNED_EVENT,
                         data={"work_order": order.id})
    return workorders_read.read_one(session, order)


def list_work_orders(*, session: Session, actor: Actor, state: str | None = None, technician: str | None = None,
                     inquiry_id: int | None = None, day: date | None = None,
                     limit: int = 200) -> list[WorkOrderRead]:
    """Newest visit first; a technician's own orders only unless the actor dispatches."""
    require(actor, Permission.SERVICE_WORK)
    query = select(WorkOrder).order_by(col(WorkOrder.visit_on).desc(), col(WorkOrder.id).desc()).limit(limit)
    if not actor.can(Permission.SERVICE_DISPATCH):
        query = query.where(WorkOrder.technician_id == (actor.id or -1))
    if state == "open":
        query = query.where(col(WorkOrder.state).in_(OPEN_STATES))
    elif state:
        query = query.where(WorkOrder.state == state)
    if technician:
        query = query.where(WorkOrder.technician_id == workorders_read.user_id(session, technician))
    if inquiry_id is not None:
        query = query.where(WorkOrder.inquiry_id == inquiry_id)
    if day is not None:
        query = query.where(WorkOrder.visit_on == day)
    return workorders_read.read_many(session, list(session.exec(query)))


def get_work_order(*, session: Session, actor: Actor, work_order_id: int) -> WorkOrderRead:
    require(actor, Permission.SERVICE_WORK)
    return workorders_read.read_one(session, visible(session, actor, work_order_id))


def visible(session: Session, actor: Actor, work_order_id: int, *, lock: bool = False) -> WorkOrder:
    """The order, if the actor may see it: dispatchers any, others those dispatched to them."""
    query = select(WorkOrder).where(WorkOrder.id == work_order_id)
    order = session.exec(query.with_for_update() if lock else query).first()
    if order is None:
        raise NotFound(_("Work order"), str(work_order_id))
    if not actor.can(Permission.SERVICE_DISPATCH) and (order.technician_id is None
                                                        or order.technician_id != actor.id):
        raise PermissionDenied(_("work order {n} is not dispatched to {who}").format(n=work_order_id,
                                                                                     who=actor.login))
    return order


def open_count(session: Session, inquiry_id: int) -> int:
    return len(session.exec(select(WorkOrder.id).where(WorkOrder.inquiry_id == inquiry_id,
                                                       col(WorkOrder.state).in_(OPEN_STATES))).all())


def _skills(session: Session, raw: Any) -> dict[str, int]:
    """A mapping code → minimum level, or a list of codes (level 1), or the text `fiber:3 router`."""
    if isinstance(raw, str):
        raw = [part for part in re.split(r"[\s,;]+", raw) if part]
    if isinstance(raw, list):
        pairs = [str(item).partition(":") for item in raw]
        if any(level and not level.isdecimal() for _code, _sep, level in pairs):
            raise ValidationError("skills", _("expected code or code:level"))
        raw = {code: int(level or 1) for code, _sep, level in pairs}
    known = set(session.exec(select(Skill.code).where(col(Skill.active).is_(True))).all())
    return skill_rules.clean_requirements("skills", raw or {}, lambda _kind, code: code in known)


def _text(field: str, raw: Any, limit: int, *, required: bool = False) -> str:
    text = str(raw or "").strip()
    if required and not text:
        raise ValidationError(field, _("required"))
    if len(text) > limit or "\x00" in text:
        raise ValidationError(field, _("at most {n} characters").format(n=limit))
    return text
