"""Screen pop (issue 22 item 5): a telephony system says a call rings for an agent (`POST /calls`), and that
agent's workspace opens the caller in the Register tab.

`pop_call` records the call (once per the telephony system's call id and agent: a repeated notification is
answered with the first call, `replayed`, and pops nothing) and wakes the agent's workspaces: on PostgreSQL
a NOTIFY on the calls channel carrying the agent's user id, delivered at commit; SQLite's watchers see the
commit through `PRAGMA data_version`. The workspace then asks `next_call_for` and, having opened the call,
`mark_shown`. A call that rang while nobody showed it is not popped minutes later: only calls younger than
FRESH are offered (a phone stops ringing long before). The rows are no call log: an agent's calls older than
KEPT_FOR go at that agent's next call, so callers' numbers are not kept beyond a day."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from crmterm.errors import NotFound, ValidationError, refuse_control
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.customers import customer_search
from crmterm.services.customers.phones import to_e164
from crmterm.services.routing import live
from crmterm.store import IncomingCall, User, utcnow
from crmterm.store.tables import saved_id

FRESH = timedelta(minutes=2)
KEPT_FOR = timedelta(days=1)
MAX_CANDIDATES = 10


class Candidate(BaseModel):
    id: int
    display_name: str


class CallRead(BaseModel):
    """A call and who it is: `customer` when the number is one customer's, `candidates` when several share it."""

    id: int
    call_id: str
    number: str  # E.164
    agent_login: str
    created_at: datetime
    replayed: bool = False  # this call id was posted for this agent before: nothing popped again
    customer: Candidate | None = None
    candidates: list[Candidate] = []


def pop_call(*, session: Session, actor: Actor, number: str, agent_login: str, call_id: str) -> CallRead:
    """Record a call ringing for `agent_login` and wake that agent's workspaces. Agents pop calls for
    themselves only; supervisors and admins for anyone. Checked before the agent is looked up."""
    require(actor, Permission.INQUIRIES_WRITE)
    if agent_login != actor.login:
        require(actor, Permission.INQUIRIES_SUPERVISE)
    call_id = _checked_call_id(call_id)
    e164 = to_e164(number, "number")
    agent = _agent(session, agent_login)
    row, replayed = _recorded(session, saved_id(agent), call_id, e164, actor.login)
    if not replayed:
        live.announce(session, agent.id, channel=live.CALLS)
        session.execute(delete(IncomingCall).where(col(IncomingCall.user_id) == agent.id,
                                                   col(IncomingCall.created_at) < utcnow() - KEPT_FOR))
    return _read(session, actor, row, agent.login, replayed)


def next_call_for(*, session: Session, actor: Actor) -> CallRead | None:
    """The actor's oldest fresh call not yet shown, with the customers its number names (as the actor sees)."""
    require(actor, Permission.INQUIRIES_WRITE)
    if actor.id is None:
        return None  # the CLI's system account has no workspace
    row = session.exec(select(IncomingCall).where(IncomingCall.user_id == actor.id,
                                                  col(IncomingCall.shown_at).is_(None),
                                                  IncomingCall.created_at > utcnow() - FRESH)
                       .order_by(col(IncomingCall.created_at), col(IncomingCall.id)).limit(1)).first()
    return _read(session, actor, row, actor.login) if row else None


def mark_shown(*, session: Session, actor: Actor, incoming_id: int) -> None:
    """The actor's workspace opened the call: it is not offered again (to any of the actor's workspaces)."""
    require(actor, Permission.INQUIRIES_WRITE)
    row = session.get(IncomingCall, incoming_id)
    if row is None or row.user_id != actor.id:  # someone else's call is as unknown as a missing one
        raise NotFound(_("call"), incoming_id)
    if row.shown_at is None:
        row.shown_at = utcnow()
        session.add(row)
        session.flush()


def _checked_call_id(call_id: str) -> str:
    refuse_control("call_id", call_id)
    if not call_id.strip() or len(call_id) > 128:
        raise ValidationError("call_id", _("give a call id of 1 to 128 characters"))
    return call_id


def _agent(session: Session, login: str) -> User:
    agent = session.exec(select(User).where(User.login == login)).first()
    if agent is None:
        raise NotFound(_("user"), login)
    if not agent.active:
        raise ValidationError("agent_login", _("user {login} is inactive").format(login=login))
    return agent


def _recorded(session: Session, user_id: int, call_id: str, number: str, by: str) -> tuple[IncomingCall, bool]:
    """The call's row and whether it existed. Two notifications of one call at once: the unique key lets one
    insert win, and the other (its savepoint rolled back) reads the winner's row."""
    existing = _existing(session, user_id, call_id)
    if existing is not None:
        return existing, True
    row = IncomingCall(user_id=user_id, call_id=call_id, number=number, created_by=by)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        existing = _existing(session, user_id, call_id)
        if existing is None:
            raise
        return existing, True
    return row, False


def _existing(session: Session, user_id: int, call_id: str) -> IncomingCall | None:
    return session.exec(select(IncomingCall).where(IncomingCall.user_id == user_id,
                                                   IncomingCall.call_id == call_id)).first()


def _read(session: Session, actor: Actor, row: IncomingCall, login: str, replayed: bool = False) -> CallRead:
    matches = _phone_matches(session, actor, row.number)
    return CallRead(id=saved_id(row), call_id=row.call_id, number=row.number, agent_login=login,
                    created_at=row.created_at, replayed=replayed,
                    customer=matches[0] if len(matches) == 1 else None,
                    candidates=matches if len(matches) > 1 else [])


def _phone_matches(session: Session, actor: Actor, number: str) -> list[Candidate]:
    """Customers whose subscriber or contact number is this one (the search the caller box runs, by phone)."""
    if not actor.can(Permission.CUSTOMERS_READ):
        return []
    hits = customer_search.search(session=session, actor=actor, query=number, limit=MAX_CANDIDATES)
    return [Candidate(id=h.id, display_name=h.display_name) for h in hits if h.matched == "phone"]
