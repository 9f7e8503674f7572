"""Who is at work now: a workspace (the TUI) says "seen" when its user logs in and then once a minute, and
"gone" at log-out. A user seen within ONLINE is logged in; a workstation that crashed or lost its network
drops out after that time by itself, so nothing needs cleaning up. Supervisors read it per queue
(services/routing/staffing)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from crmterm.errors import PermissionDenied
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor
from crmterm.store import AgentPresence, utcnow

ONLINE = timedelta(minutes=3)
HEARTBEAT_SECONDS = 60.0  # how often an open workspace says it is still there (well within ONLINE)


def touch(*, session: Session, actor: Actor | None) -> None:
    """The actor's workspace is open now (any role: presence is one's own row, not business data)."""
    user_id = _person(actor)
    if user_id is None:
        return
    row = session.get(AgentPresence, user_id)
    if row is None:
        session.add(AgentPresence(user_id=user_id, seen_at=utcnow()))
    else:
        row.seen_at = utcnow()
        session.add(row)


def leave(*, session: Session, actor: Actor | None) -> None:
    user_id = _person(actor)
    if user_id is not None:
        session.execute(delete(AgentPresence).where(col(AgentPresence.user_id) == user_id))


def _person(actor: Actor | None) -> int | None:
    """The actor's user id; None for the CLI's system account (no workspace); nobody logged in is refused."""
    if actor is None:
        raise PermissionDenied(_("{who} may not do this ({permission})").format(who=_("anonymous"),
                                                                                permission=_("own presence")))
    return actor.id


def online_ids(session: Session, now: datetime | None = None) -> set[int]:
    since = (now or utcnow()) - ONLINE
    return set(session.exec(select(AgentPresence.user_id).where(AgentPresence.seen_at >= since)).all())
