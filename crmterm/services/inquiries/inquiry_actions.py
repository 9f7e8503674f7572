"""Moving an inquiry through its life-cycle: each action is one service call that checks the state
(engine.ALLOWED), the actor's role and queue membership, the version the caller saw and the route's guard;
then writes the change (SLA clocks and deadlines from services/sla/sla included) with a guarded UPDATE, logs an
InquiryEvent, runs the transition's actions and announces the change to live screens. Caller owns the transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlmodel import Session, col, select

from crmterm.errors import Conflict, NotFound, PermissionDenied, ValidationError, refuse_nul
from crmterm.i18n import _, fmt_datetime
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.accounts.queue_access import can_supervise, can_work, person, queue_by_code
from crmterm.services.inquiries import inquiry_log
from crmterm.services.inquiries.transition_actions import run_actions
from crmterm.services.routing import automation, live, routing
from crmterm.services.sla import sla
from crmterm.store import Inquiry, Priority, Queue, User, utcnow
from crmterm.store.tables import rowcount, saved_id
from crmterm.workflow import engine
from crmterm.workflow.engine import ASSIGNED, Move, State
from crmterm.workflow.routes import RouteDefinition, TransitionDef


class Moved(BaseModel):
    id: int
    state: str
    step: str | None
    queue: str | None
    assignee: str | None
    version: int


def load(session: Session, inquiry_id: int, *, lock: bool = True) -> Inquiry:
    query = select(Inquiry).where(Inquiry.id == inquiry_id).execution_options(populate_existing=True)
    if lock and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    inquiry = session.exec(query).first()
    if inquiry is None:
        raise NotFound(_("Inquiry"), inquiry_id)
    return inquiry


def saw(inquiry: Inquiry, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != inquiry.version:
        raise Conflict(_("Inquiry {n} was changed by {who} at {at}; reload and try again").format(
            n=inquiry.id, who=inquiry.updated_by or "?", at=fmt_datetime(inquiry.updated_at)))


def write(session: Session, actor: Actor, inquiry: Inquiry, changes: dict) -> None:
    """Guarded by the version read: a concurrent writer makes this fail instead of being overwritten."""
    result = session.execute(
        update(Inquiry).where(col(Inquiry.id) == inquiry.id, col(Inquiry.version) == inquiry.version)
        .values(**changes, version=inquiry.version + 1, updated_at=utcnow(), updated_by=actor.login)
        .execution_options(synchronize_session=False))
    if rowcount(result) != 1:
        session.expire(inquiry)
        fresh = load(session, saved_id(inquiry), lock=False)
        raise Conflict(_("Inquiry {n} was changed by {who} at {at}; reload and try again").format(
            n=inquiry.id, who=fresh.updated_by or "?", at=fmt_datetime(fresh.updated_at)))
    session.expire(inquiry)


def _apply(session: Session, actor: Actor, inquiry_id: int, move: Move, expected_version: int | None,
           decide: Callable[[Inquiry], tuple[dict, str, str, dict]]) -> Moved:
    """Load, check state and version, let `decide` check the rest and name the change, write, log."""
    require(actor, Permission.INQUIRIES_WRITE)
    inquiry = load(session, inquiry_id)
    saw(inquiry, expected_version)
    engine.check(inquiry.id, inquiry.state, move)
    old_queue = inquiry.queue_id
    changes, kind, text, data = decide(inquiry)
    refuse_nul("text", text)  # before anything is written (text)
    write(session, actor, inquiry, changes)
    inquiry_log.record(session, inquiry_id, actor, kind, text=text, data=data)
    automation.fire(session, actor, inquiry_id, kind, data)
    live.announce(session, changes.get("queue_id", old_queue))
    if changes.get("queue_id", old_queue) != old_queue:
        live.announce(session, old_queue)
    return moved(session, inquiry_id)


def moved(session: Session, inquiry_id: int) -> Moved:
    # six columns: past SQLModel's select overloads, so SQLAlchemy's select and execute
    row = session.execute(sa_select(col(Inquiry.id), col(Inquiry.state), col(Inquiry.step), col(Queue.code),
                                    col(User.login), col(Inquiry.version))
                          .outerjoin(Queue, col(Queue.id) == Inquiry.queue_id)
                          .outerjoin(User, col(User.id) == Inquiry.assignee_id)
                          .where(col(Inquiry.id) == inquiry_id)).one()
    return Moved(id=row[0], state=row[1], step=row[2], queue=row[3], assignee=row[4], version=row[5])


def _assignee_only(actor: Actor, inquiry: Inquiry) -> None:
    if inquiry.assignee_id != actor.id and not can_supervise(actor, None):
        raise PermissionDenied(_("inquiry {n} is assigned to someone else").format(n=inquiry.id))


def _supervisor(session: Session, actor: Actor, inquiry: Inquiry) -> None:
    queue = session.get(Queue, inquiry.queue_id) if inquiry.queue_id else None
    if not can_supervise(actor, queue):
        raise PermissionDenied(_("{who} may not do this (supervisors and queue administrators)").format(
            who=actor.login))


# --- agent actions ------------------------------------------------------------------------------------

def take(*, session: Session, actor: Actor, inquiry_id: int, expected_version: int | None = None) -> Moved:
    def decide(inquiry: Inquiry):
        queue = session.get(Queue, inquiry.queue_id) if inquiry.queue_id else None
        if not can_work(session, actor, queue):
            raise PermissionDenied(_("{who} is not a member of this queue").format(who=actor.login))
        return {"state": State.TAKEN, "assignee_id": person(actor)}, "taken", "", {}
    return _apply(session, actor, inquiry_id, Move.TAKE, expected_version, decide)


def start(*, session: Session, actor: Actor, inquiry_id: int, expected_version: int | None = None) -> Moved:
    def decide(inquiry: Inquiry):
        _assignee_only(actor, inquiry)
        return {"state": State.IN_PROGRESS}, "started", "", {}
    return _apply(session, actor, inquiry_id, Move.START, expected_version, decide)


def return_to_queue(*, session: Session, actor: Actor, inquiry_id: int, text: str = "",
                    expected_version: int | None = None) -> Moved:
    def decide(inquiry: Inquiry):
        _assignee_only(actor, inquiry)
        back = State.WAITING if inquiry.queue_id else State.REGISTERED  # never waiting in no queue
        return {"state": back, "assignee_id": None}, "returned", text.strip(), {}
    return _apply(session, actor, inquiry_id, Move.RETURN, expected_version, decide)


def move(*, session: Session, actor: Actor, inquiry_id: int, transition: str, text: str = "",
         expected_version: int | None = None) -> Moved:
    """Along a transition of the inquiry's route whose guard passes; into a final step closes it."""
    def decide(inquiry: Inquiry):
        _assignee_only(actor, inquiry)
        context = routing.context_of(session, inquiry, actor)  # once: guard, actions and queue choice share it
        route, chosen = _transition(session, inquiry, transition, context)
        return along(session, actor, inquiry, route.definition, chosen, context, text)
    return _apply(session, actor, inquiry_id, Move.MOVE, expected_version, decide)


def along(session: Session, actor: Actor, inquiry: Inquiry, route: RouteDefinition, chosen: TransitionDef,
          context: dict, text: str = "") -> tuple[dict, str, str, dict]:
    """Moving along a chosen transition (its actions run now): the columns to write, the event kind, text
    and data. Shared by people's moves and system moves (services/inquiries/system_moves)."""
    target = route.known_step(chosen.target)
    data: dict[str, Any] = {"transition": chosen.code, "from": inquiry.step, "to": target.code}
    extra, data["actions"] = run_actions(session, actor, inquiry, chosen.actions, context)
    if target.final:
        return ({**extra, "state": State.CLOSED, "assignee_id": None, "closed_at": utcnow(), "step": target.code,
                 "resolution": text.strip() or target.label()}, "closed", text.strip(), data)
    clocks = sla.on_step(session, inquiry, target, priority_id=extra.get("priority_id", inquiry.priority_id),
                         now=utcnow(), path=context["inquiry"]["topics"])
    return ({**extra, **_into_step(session, inquiry, target, context), **clocks, "assignee_id": None}, "moved",
            text.strip() or f"{inquiry.step} → {target.code}", data)


def _transition(session: Session, inquiry: Inquiry, code: str, context: dict):
    if inquiry.route_revision_id is None:
        raise ValidationError("transition", _("inquiry {n} has no route: transfer it to a queue").format(
            n=inquiry.id))
    route = routing.revision(session, inquiry.route_revision_id)
    outgoing = route.definition.outgoing(inquiry.step)
    passing = engine.passing(route.definition, inquiry.step, context)
    chosen = next((t for t in passing if t.code == code), None)
    if chosen is None:
        known = any(t.code == code for t in outgoing)
        reason = _("its condition does not hold") if known else _("no such transition from step '{step}'").format(
            step=inquiry.step)
        raise ValidationError("transition", _("cannot move by '{code}': {reason}; possible: {allowed}").format(
            code=code, reason=reason, allowed=", ".join(t.code for t in passing) or "—"))
    return route, chosen


def _into_step(session: Session, inquiry: Inquiry, step, context: dict) -> dict:
    queue = engine.choose_queue(step, context)
    queue_id = routing.queue_ids(session, [queue]).get(queue) if queue else None
    if queue_id is None:
        raise ValidationError("queue", _("step '{step}' chose no queue for this inquiry").format(step=step.code))
    return {"state": State.WAITING, "step": step.code, "queue_id": queue_id}


def close(*, session: Session, actor: Actor, inquiry_id: int, resolution: str,
          expected_version: int | None = None) -> Moved:
    """Inside a route: by the first passing transition into a final step. Supervisors may close any
    open inquiry outright; so may anyone an inquiry without a route is assigned to."""
    if not resolution.strip():
        raise ValidationError("resolution", _("say how it was resolved"))
    inquiry = load(session, inquiry_id)
    if inquiry.route_revision_id is not None and inquiry.state in ASSIGNED:
        route = routing.revision(session, inquiry.route_revision_id)
        context = routing.context_of(session, inquiry, actor)
        found = engine.closing(route.definition, inquiry.step, context)
        if found is not None:
            return move(session=session, actor=actor, inquiry_id=inquiry_id, transition=found.code,
                        text=resolution, expected_version=expected_version)
        queue = session.get(Queue, inquiry.queue_id) if inquiry.queue_id else None
        if not can_supervise(actor, queue):
            possible = engine.passing(route.definition, inquiry.step, context)
            raise ValidationError("resolution", _("step '{step}' cannot close yet; possible: {allowed}").format(
                step=inquiry.step, allowed=", ".join(t.code for t in possible) or "—"))

    def decide(inquiry: Inquiry):
        if inquiry.route_revision_id is not None or inquiry.state not in ASSIGNED:
            _supervisor(session, actor, inquiry)
        else:
            _assignee_only(actor, inquiry)
        return ({"state": State.CLOSED, "assignee_id": None, "closed_at": utcnow(), "resolution": resolution.strip()},
                "closed", resolution.strip(), {"forced": inquiry.route_revision_id is not None})
    return _apply(session, actor, inquiry_id, Move.CLOSE, expected_version, decide)


# --- supervisor actions -------------------------------------------------------------------------------

def assign(*, session: Session, actor: Actor, inquiry_id: int, login: str, text: str = "",
           expected_version: int | None = None) -> Moved:
    user = session.exec(select(User).where(User.login == login, col(User.active).is_(True))).first()
    if user is None:
        raise NotFound(_("User"), login)

    def decide(inquiry: Inquiry):
        _supervisor(session, actor, inquiry)
        return {"state": State.TAKEN, "assignee_id": user.id}, "assigned", text.strip(), {"to": login}
    return _apply(session, actor, inquiry_id, Move.ASSIGN, expected_version, decide)


def transfer(*, session: Session, actor: Actor, inquiry_id: int, queue: str, text: str = "",
             expected_version: int | None = None) -> Moved:
    target = queue_by_code(session, queue)

    def decide(inquiry: Inquiry):
        _supervisor(session, actor, inquiry)
        clocks = sla.on_transfer(session, inquiry, routing.current_step(session, inquiry), now=utcnow())
        return ({"state": State.WAITING, "assignee_id": None, "queue_id": target.id, **clocks}, "transferred",
                text.strip(), {"to": target.code})
    return _apply(session, actor, inquiry_id, Move.TRANSFER, expected_version, decide)


def reopen(*, session: Session, actor: Actor, inquiry_id: int, text: str = "",
           expected_version: int | None = None) -> Moved:
    """Back into the queue of the step it was closed in (re-chosen by the step's rules)."""
    def decide(inquiry: Inquiry):
        _supervisor(session, actor, inquiry)
        changes = {"closed_at": None, "resolution": "", "assignee_id": None}
        step = _reopen_step(session, inquiry)
        if step is not None:
            context = routing.context_of(session, inquiry, actor)
            changes |= _into_step(session, inquiry, step, context)
            changes |= sla.on_reopen(session, inquiry, step, now=utcnow(), path=context["inquiry"]["topics"])
        else:
            changes["state"] = State.WAITING if inquiry.queue_id else State.REGISTERED
            changes |= sla.on_reopen(session, inquiry, None, now=utcnow()) if inquiry.queue_id else {}
        return changes, "reopened", text.strip(), {}
    return _apply(session, actor, inquiry_id, Move.REOPEN, expected_version, decide)


def _reopen_step(session: Session, inquiry: Inquiry):
    if inquiry.route_revision_id is None:
        return None
    definition = routing.revision(session, inquiry.route_revision_id).definition
    step = definition.step(inquiry.step)
    return step if step is not None and not step.final else definition.first


def cancel(*, session: Session, actor: Actor, inquiry_id: int, text: str,
           expected_version: int | None = None) -> Moved:
    if not text.strip():
        raise ValidationError("text", _("give a reason"))

    def decide(inquiry: Inquiry):
        _supervisor(session, actor, inquiry)
        return {"state": State.CANCELLED, "assignee_id": None, "closed_at": utcnow()}, "cancelled", text.strip(), {}
    return _apply(session, actor, inquiry_id, Move.CANCEL, expected_version, decide)


def set_deadline(*, session: Session, actor: Actor, inquiry_id: int, due_at: datetime, reason: str,
                 expected_version: int | None = None, allow_past: bool = False) -> Moved:
    """A past deadline is almost always a typo (a wrong year or month); it needs `allow_past` said aloud."""
    if not reason.strip():
        raise ValidationError("reason", _("give a reason"))
    if not allow_past and _aware(due_at) <= utcnow():
        raise ValidationError("due_at", _("{when} is already past: give a later deadline").format(
            when=fmt_datetime(_aware(due_at))))
    return _adjust(session, actor, inquiry_id, expected_version,
                   _("inquiry {n} is {state}: its deadline no longer applies"),
                   lambda inquiry: (sla.on_deadline(session, inquiry, due_at, now=utcnow()), "deadline_changed",
                                    reason.strip(),
                                    {"from": inquiry.due_at.isoformat(), "to": due_at.isoformat()}))


def set_priority(*, session: Session, actor: Actor, inquiry_id: int, priority: str, text: str = "",
                 expected_version: int | None = None) -> Moved:
    """Supervisors re-rank an open inquiry; the queue order follows at once."""
    found = session.exec(select(Priority).where(Priority.code == priority)).first()
    if found is None:
        raise NotFound(_("Priority"), priority)
    priority_id, rank = saved_id(found), found.rank
    return _adjust(session, actor, inquiry_id, expected_version,
                   _("inquiry {n} is {state}: its priority no longer matters"),
                   lambda inquiry: ({"priority_id": priority_id, "priority_rank": rank, **sla.on_priority(
                       session, inquiry, routing.current_step(session, inquiry), priority_id=priority_id)},
                       "priority_changed", text.strip(), {"to": priority}))


def _adjust(session: Session, actor: Actor, inquiry_id: int, expected_version: int | None, closed_message: str,
            decide: Callable[[Inquiry], tuple[dict, str, str, dict]]) -> Moved:
    """A supervisor's change to an open inquiry that leaves its state alone (deadline, priority)."""
    require(actor, Permission.INQUIRIES_WRITE)
    inquiry = load(session, inquiry_id)
    saw(inquiry, expected_version)
    if inquiry.state not in engine.OPEN:
        raise Conflict(closed_message.format(n=inquiry.id, state=inquiry_log.state_label(inquiry.state)))
    _supervisor(session, actor, inquiry)
    queue_id = inquiry.queue_id
    changes, kind, text, data = decide(inquiry)
    refuse_nul("text", text)  # before anything is written (text)
    write(session, actor, inquiry, changes)
    inquiry_log.record(session, inquiry_id, actor, kind, text=text, data=data)
    live.announce(session, queue_id)
    return moved(session, inquiry_id)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
