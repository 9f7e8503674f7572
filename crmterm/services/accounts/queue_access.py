"""Who works and who supervises a queue: members by login or user group; queue administrators, supervisors
and admins supervise. Queues are configuration (dozens of rows), read whole."""

from __future__ import annotations

from sqlmodel import Session, col, select

from crmterm.errors import NotFound
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission
from crmterm.store import Queue, User


def can_supervise(actor: Actor, queue: Queue | None) -> bool:
    """Supervisors everywhere; a queue's admins, by name or through a role scoped to it, there."""
    if actor.can(Permission.INQUIRIES_SUPERVISE):
        return True
    return queue is not None and (actor.login in queue.admins or queue.code in actor.supervised_queues)


def _groups(session: Session, actor: Actor) -> set[str]:
    groups = session.exec(select(User.groups).where(User.login == actor.login)).first()
    return set(groups or [])


def can_work(session: Session, actor: Actor, queue: Queue | None) -> bool:
    if can_supervise(actor, queue):
        return True
    if queue is None:
        return False
    return actor.login in queue.members or bool(_groups(session, actor) & set(queue.groups))


def queues_of(session: Session, actor: Actor) -> list[Queue]:
    """The active queues the actor works (supervisors: all of them), in the admin's order."""
    rows = session.exec(select(Queue).where(col(Queue.active).is_(True))
                        .order_by(col(Queue.sort_order), Queue.code)).all()
    if actor.can(Permission.INQUIRIES_SUPERVISE):
        return list(rows)
    groups = _groups(session, actor)
    return [q for q in rows if actor.login in q.members or can_supervise(actor, q) or groups & set(q.groups)]


def person(actor: Actor) -> int:
    """Taking work needs a person to hold it, not the CLI's system account."""
    if actor.id is None:
        from crmterm.errors import ValidationError

        raise ValidationError("user", _("taking an inquiry needs a person: give --user (or CRMTERM_USER)"))
    return actor.id


def queue_by_code(session: Session, code: str) -> Queue:
    queue = session.exec(select(Queue).where(Queue.code == code)).first()
    if queue is None:
        raise NotFound(_("Queue"), code)
    return queue
