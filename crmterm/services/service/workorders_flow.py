"""A work order's life: planned → dispatched → in_progress → done, or cancelled; and the visit's record —
time, materials from the sales catalogue, expenses, the customer's acceptance.

Completing the last open work order of an inquiry moves the inquiry along its route: the event
`work_orders_done` is pushed onto it (services/inquiries/external_events), so the route decides what comes
next — the transition out of the current step that waits for that event — and the move or, when none waits,
the event itself is written to the inquiry's history."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import Session

from crmterm.errors import Conflict, NotFound, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.inquiries import external_events, inquiry_log
from crmterm.services.routing import skill_rules
from crmterm.services.sales import catalogue
from crmterm.services.service import technicians, workorders, workorders_read
from crmterm.services.service.workorders_read import WorkOrderRead
from crmterm.store import Technician, WorkOrder, WorkOrderLine, utcnow
from crmterm.store.decimals import DecimalLimits, decimal_field, money
from crmterm.store.tables import saved_id, table_of

DONE_EVENT = "work_orders_done"
MINUTES_LIMIT = 24 * 60  # one line of time is at most a day


def dispatch(*, session: Session, actor: Actor, work_order_id: int, technician: str) -> WorkOrderRead:
    """Give the order to a technician with its skills (again, if it was dispatched to someone else)."""
    require(actor, Permission.SERVICE_DISPATCH)
    order = _in_state(session, actor, work_order_id, ("planned", "dispatched"))
    person = technicians.user_by_login(session, technician)
    row = session.get(Technician, saved_id(person))
    if row is None or not row.active or not person.active:
        raise NotFound(_("Technician"), technician)
    have = technicians.skills_of(session, [saved_id(person)]).get(saved_id(person), {})
    if not skill_rules.meets(have, order.skills):
        raise ValidationError("technician", _("{login} lacks the skills the order needs").format(login=technician))
    order.technician_id, order.state, order.dispatched_at = saved_id(person), "dispatched", utcnow()
    return _saved(session, actor, order, _("dispatched to {login}").format(login=technician))


def start(*, session: Session, actor: Actor, work_order_id: int) -> WorkOrderRead:
    require(actor, Permission.SERVICE_WORK)
    order = _in_state(session, actor, work_order_id, ("dispatched",))
    order.state, order.started_at = "in_progress", utcnow()
    return _saved(session, actor, order, _("visit started"))


def record(*, session: Session, actor: Actor, work_order_id: int, minutes: int = 0,
           materials: list[str] | None = None, expenses: list[str] | None = None) -> WorkOrderRead:
    """Time in minutes, materials `CODE:QTY` (catalogue products), expenses `AMOUNT:TEXT`; a dispatched order
    is started by its first record."""
    require(actor, Permission.SERVICE_WORK)
    order = _in_state(session, actor, work_order_id, ("dispatched", "in_progress"))
    lines = _time(minutes) + [_material(session, m) for m in materials or []] + [_expense(e) for e in expenses or []]
    if not lines:
        raise ValidationError("record", _("nothing to record: give minutes, a material or an expense"))
    for line in lines:
        line.work_order_id, line.recorded_by = saved_id(order), actor.login
        session.add(line)
    if order.state == "dispatched":
        order.state, order.started_at = "in_progress", utcnow()
    return _saved(session, actor, order, _("visit recorded"))


def accept(*, session: Session, actor: Actor, work_order_id: int, by: str) -> WorkOrderRead:
    """The customer's acceptance of the work, under their name."""
    require(actor, Permission.SERVICE_WORK)
    order = _in_state(session, actor, work_order_id, ("in_progress",))
    name = str(by or "").strip()
    if not name or len(name) > 200:
        raise ValidationError("by", _("the customer's name, at most {n} characters").format(n=200))
    order.accepted_by, order.accepted_at = name, utcnow()
    return _saved(session, actor, order, _("accepted by {name}").format(name=name))


def complete(*, session: Session, actor: Actor, work_order_id: int) -> WorkOrderRead:
    """Done; the last open order of its inquiry moves the inquiry along its route."""
    require(actor, Permission.SERVICE_WORK)
    order = _in_state(session, actor, work_order_id, ("in_progress",))
    order.state, order.finished_at = "done", utcnow()
    done = _saved(session, actor, order, _("work order done"))
    if workorders.open_count(session, order.inquiry_id) == 0:
        external_events.push(session=session, actor=actor, inquiry_id=order.inquiry_id, name=DONE_EVENT,
                             data={"work_order": saved_id(order)})
    return done


def cancel(*, session: Session, actor: Actor, work_order_id: int) -> WorkOrderRead:
    require(actor, Permission.SERVICE_DISPATCH)
    order = _in_state(session, actor, work_order_id, workorders.OPEN_STATES)
    order.state, order.finished_at = "cancelled", utcnow()
    return _saved(session, actor, order, _("work order cancelled"))


def _in_state(session: Session, actor: Actor, work_order_id: int, states: tuple[str, ...]) -> WorkOrder:
    order = workorders.visible(session, actor, work_order_id, lock=True)
    if order.state not in states:
        raise Conflict(_("work order {n} is {state}").format(n=work_order_id, state=order.state))
    return order


def _saved(session: Session, actor: Actor, order: WorkOrder, text: str) -> WorkOrderRead:
    order.version += 1
    order.updated_at, order.updated_by = utcnow(), actor.login
    session.add(order)
    session.flush()
    inquiry_log.record(session, order.inquiry_id, actor, "work_order",
                       text=_("work order {n}: {what}").format(n=order.id, what=text),
                       data={"work_order": order.id, "state": order.state})
    return workorders_read.read_one(session, order)


def _time(minutes: int) -> list[WorkOrderLine]:
    if not minutes:
        return []
    if not 0 < minutes <= MINUTES_LIMIT:
        raise ValidationError("minutes", _("from 1 to {n}").format(n=MINUTES_LIMIT))
    return [WorkOrderLine(work_order_id=0, kind="time", minutes=minutes, recorded_by="")]


def _material(session: Session, text: str) -> WorkOrderLine:
    code, _sep, quantity = str(text).partition(":")
    code = code.strip()
    if not catalogue.definitions(session, {code}):
        raise NotFound(_("product"), code)
    limits = DecimalLimits.of_column(table_of(WorkOrderLine).c.quantity, minimum=Decimal(0), above_minimum=True)
    amount = decimal_field("material", quantity.strip() or "1", limits)
    return WorkOrderLine(work_order_id=0, kind="material", product=code, quantity=amount, recorded_by="")


def _expense(text: str) -> WorkOrderLine:
    amount, _sep, what = str(text).partition(":")
    what = what.strip()
    if not what or len(what) > 300:
        raise ValidationError("expense", _("expected AMOUNT:TEXT, e.g. {example}").format(example="350:parking"))
    value = money("expense", amount.strip(), table_of(WorkOrderLine).c.amount)
    return WorkOrderLine(work_order_id=0, kind="expense", amount=value, text=what, recorded_by="")
