"""Callbacks: a call promised to a customer at a number within a time window, owed by one agent or by a
queue. Scheduled from the Register tab, an inquiry or `crmterm callback add`; kept by callback_done (an
outbound phone contact); escalated once when the window has passed (callback_scan)."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from crmterm.errors import Conflict, NotFound, PermissionDenied, ValidationError, refuse_nul
from crmterm.i18n import N_, _
from crmterm.moments import check_moment
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.customers.phones import to_e164
from crmterm.services.work import assignment
from crmterm.store import Callback, Inquiry, Party, utcnow
from crmterm.store.tables import rowcount

SCHEDULED, DONE, CANCELLED = "scheduled", "done", "cancelled"
STATE_LABELS = {SCHEDULED: N_("scheduled"), DONE: N_("done"), CANCELLED: N_("cancelled")}
LIST_LIMIT = 200
MAX_WINDOW = timedelta(days=31)  # a window longer than a month is a typing mistake, not a promise


class CallbackRead(BaseModel):
    id: int
    customer_id: int
    customer: str
    number: str
    window_from: datetime
    window_to: datetime
    note: str
    agent: str | None
    queue: str | None
    inquiry_id: int | None
    state: str
    created_by: str
    created_at: datetime
    done_contact_id: int | None
    overdue: bool
    version: int


def schedule(*, session: Session, actor: Actor, customer: int, number: str, window_from: datetime,
             window_to: datetime, agent: str | None = None, queue: str | None = None, inquiry: int | None = None,
             note: str = "") -> CallbackRead:
    """A new callback; the actor's own unless `agent` or `queue` says whose."""
    require(actor, Permission.INQUIRIES_WRITE)
    if not number.strip():
        raise ValidationError("number", _("give the number to call"))
    e164 = to_e164(number, "number")
    _check_window(window_from, window_to)
    refuse_nul("note", note)
    if session.get(Party, customer) is None:
        raise NotFound(_("Customer"), customer)
    if inquiry is not None:
        found = session.get(Inquiry, inquiry)
        if found is None:
            raise NotFound(_("Inquiry"), inquiry)
        if found.party_id not in (None, customer):
            raise ValidationError("inquiry", _("inquiry {n} is another customer's").format(n=inquiry))
    whose = assignment.resolve(session, actor, agent, queue)
    row = Callback(party_id=customer, number=e164, window_from=window_from, window_to=window_to,
                   note=note.strip()[:1000], agent_id=whose.agent_id, queue_id=whose.queue_id, inquiry_id=inquiry,
                   created_by=actor.login, updated_by=actor.login)
    session.add(row)
    session.flush()
    return reads(session, [row])[0]


def _check_window(start: datetime, end: datetime) -> None:
    check_moment(start, "from")
    check_moment(end, "to")
    if end <= start:
        raise ValidationError("to", _("the window must end after it starts"))
    if end - start > MAX_WINDOW:
        raise ValidationError("to", _("a window of at most 31 days"))


def callbacks(*, session: Session, actor: Actor, scope: str = "mine", queue: str | None = None,
              due: bool = False, state: str = SCHEDULED, limit: int = LIST_LIMIT) -> list[CallbackRead]:
    """`scope`: mine (mine and my queues'), queue (one queue I work) or all (supervisors). `due`: the window
    has started. Soonest window first."""
    require(actor, Permission.INQUIRIES_READ)
    query = select(Callback).where(Callback.state == state)
    if scope == "all":
        require(actor, Permission.INQUIRIES_SUPERVISE)
    elif scope == "queue":
        found = assignment.queue_by_code(session, queue or "")
        if not assignment.can_work(session, actor, found):
            raise PermissionDenied(_("{who} does not work queue {queue}").format(who=actor.login, queue=queue))
        query = query.where(Callback.queue_id == found.id)
    else:
        query = query.where(or_(col(Callback.agent_id) == actor.id,
                                col(Callback.queue_id).in_(assignment.my_queue_ids(session, actor))))
    if due:
        query = query.where(col(Callback.window_from) <= utcnow())
    rows = session.exec(query.order_by(col(Callback.window_from), col(Callback.id)).limit(limit)).all()
    return reads(session, list(rows))


def get(*, session: Session, actor: Actor, callback_id: int) -> CallbackRead:
    """One callback the actor may see: theirs, their queues', one they scheduled, or any (inquiries.supervise);
    another's answers as a missing one (its number and note are that customer's)."""
    require(actor, Permission.INQUIRIES_READ)
    row = _load(session, callback_id)
    if not assignment.may_act(session, actor, row.agent_id, row.queue_id, row.created_by):
        raise NotFound(_("Callback"), callback_id)
    return reads(session, [row])[0]


def cancel(*, session: Session, actor: Actor, callback_id: int, version: int | None = None) -> CallbackRead:
    require(actor, Permission.INQUIRIES_WRITE)
    row = open_callback(session, actor, callback_id, version)
    claim(session, actor, row, state=CANCELLED)
    return reads(session, [_load(session, callback_id)])[0]


def reschedule(*, session: Session, actor: Actor, callback_id: int, window_from: datetime, window_to: datetime,
               version: int | None = None) -> CallbackRead:
    """A new window; an escalated callback may escalate again when the new one passes too."""
    require(actor, Permission.INQUIRIES_WRITE)
    _check_window(window_from, window_to)
    row = open_callback(session, actor, callback_id, version)
    claim(session, actor, row, window_from=window_from, window_to=window_to, overdue_at=None)
    return reads(session, [_load(session, callback_id)])[0]


def _load(session: Session, callback_id: int) -> Callback:
    row = session.get(Callback, callback_id)
    if row is None:
        raise NotFound(_("Callback"), callback_id)
    return row


def open_callback(session: Session, actor: Actor, callback_id: int, version: int | None, /) -> Callback:
    """A scheduled callback the actor may change (at `version`, when given)."""
    row = _load(session, callback_id)
    assignment.require_act(session, actor, row.agent_id, row.queue_id, row.created_by)
    if row.state != SCHEDULED:
        raise Conflict(_("callback {n} is already {state}").format(n=callback_id, state=_(STATE_LABELS[row.state])))
    if version is not None and version != row.version:
        raise Conflict(_("callback {n} changed meanwhile (version {v}); look again").format(n=callback_id,
                                                                                         v=row.version))
    return row


def claim(session: Session, actor: Actor, row: Callback, /, **values) -> None:
    """One guarded UPDATE: of two agents keeping or cancelling the same callback at once, one wins."""
    result = session.execute(update(Callback)
                             .where(col(Callback.id) == row.id, col(Callback.version) == row.version,
                                    col(Callback.state) == SCHEDULED)
                             .values(version=row.version + 1, updated_at=utcnow(), updated_by=actor.login, **values)
                             .execution_options(synchronize_session=False))
    if rowcount(result) != 1:
        raise Conflict(_("callback {n} changed meanwhile; look again").format(n=row.id))
    session.expire(row)


def reads(session: Session, rows: list[Callback]) -> list[CallbackRead]:
    agents, queues = assignment.names(session, {r.agent_id for r in rows if r.agent_id},
                                      {r.queue_id for r in rows if r.queue_id})
    party_ids = {r.party_id for r in rows}
    parties = dict(session.exec(select(Party.id, Party.display_name).where(col(Party.id).in_(party_ids))).all()) \
        if party_ids else {}
    now = utcnow()
    return [CallbackRead(id=r.id or 0, customer_id=r.party_id, customer=parties.get(r.party_id, ""), number=r.number,
                         window_from=r.window_from, window_to=r.window_to, note=r.note,
                         agent=agents.get(r.agent_id) if r.agent_id else None,
                         queue=queues.get(r.queue_id) if r.queue_id else None, inquiry_id=r.inquiry_id,
                         state=r.state, created_by=r.created_by, created_at=r.created_at,
                         done_contact_id=r.done_contact_id, overdue=r.state == SCHEDULED and r.window_to <= now,
                         version=r.version) for r in rows]
