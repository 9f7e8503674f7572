"""Whose work a callback or a task is: one agent or one queue. Agents give work to themselves or to a queue
they work; giving it to another agent needs inquiries.supervise. Acting on it (done, cancel, reschedule)
needs being its agent, working its queue, having created it, or supervising."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select as sa_select  # rows of plain columns (sqlmodel.select types ids as optional)
from sqlmodel import Session, col, select

from crmterm.errors import NotFound, PermissionDenied, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, Role
from crmterm.services.accounts.queue_access import can_supervise, can_work, queue_by_code, queues_of
from crmterm.store import Queue, User


@dataclass(frozen=True)
class Assignee:
    agent_id: int | None
    queue_id: int | None


def resolve(session: Session, actor: Actor, agent: str | None, queue: str | None, /) -> Assignee:
    """The agent (login) or queue (code) the work goes to; neither: the actor."""
    if agent and queue:
        raise ValidationError("agent", _("give an agent or a queue, not both"))
    if queue:
        found = queue_by_code(session, queue)
        if not can_work(session, actor, found):
            raise PermissionDenied(_("{who} does not work queue {queue}").format(who=actor.login, queue=queue))
        return Assignee(None, found.id)
    if agent and agent != actor.login:
        if not actor.can(Permission.INQUIRIES_SUPERVISE):
            raise PermissionDenied(_("{who} may not give work to another agent (inquiries.supervise)")
                                   .format(who=actor.login))
        user = session.exec(select(User).where(User.login == agent)).first()
        if user is None or not user.active:
            raise NotFound(_("User"), agent)
        return Assignee(user.id, None)
    if actor.id is None:
        raise ValidationError("agent", _("give --agent or --queue: the system account works no callbacks"))
    return Assignee(actor.id, None)


def may_act(session: Session, actor: Actor, agent_id: int | None, queue_id: int | None, created_by: str,
            /) -> bool:
    if actor.can(Permission.INQUIRIES_SUPERVISE) or created_by == actor.login:
        return True
    if agent_id is not None:
        return agent_id == actor.id
    queue = session.get(Queue, queue_id) if queue_id is not None else None
    return can_work(session, actor, queue) or can_supervise(actor, queue)


def require_act(session: Session, actor: Actor, agent_id: int | None, queue_id: int | None, created_by: str,
                /) -> None:
    if not may_act(session, actor, agent_id, queue_id, created_by):
        raise PermissionDenied(_("{who} may not change work given to someone else").format(who=actor.login))


def my_queue_ids(session: Session, actor: Actor, /) -> list[int]:
    """The queues whose callbacks and tasks are the actor's work too (supervisors: only those they are in)."""
    return [q.id for q in queues_of(session, _as_member(actor)) if q.id is not None]


def _as_member(actor: Actor) -> Actor:
    """queues_of gives supervisors every queue; "my work" means the queues one is a member or admin of."""
    return Actor(login=actor.login, role=Role.AGENT, id=actor.id, display_name=actor.display_name)


def names(session: Session, agent_ids: set[int], queue_ids: set[int]) -> tuple[dict[int, str], dict[int, str]]:
    """Logins and queue codes for a page of rows (two small reads)."""
    logins = {row[0]: row[1] for row in session.execute(
        sa_select(col(User.id), col(User.login)).where(col(User.id).in_(agent_ids)))} if agent_ids else {}
    queues = {row[0]: row[1] for row in session.execute(
        sa_select(col(Queue.id), col(Queue.code)).where(col(Queue.id).in_(queue_ids)))} if queue_ids else {}
    return logins, queues
