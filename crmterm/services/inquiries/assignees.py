"""Whom a supervisor may assign an inquiry to: the active people, the inquiry's queue members first (by
login or user group), so the assign dialog is a filterable list instead of a login typed from memory."""

from __future__ import annotations

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.errors import PermissionDenied
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.accounts.queue_access import can_supervise
from crmterm.store import Inquiry, Queue, User

_WORKING_ROLES = ("agent", "supervisor", "admin")  # an auditor reads; the system account holds nothing


class Assignee(BaseModel):
    login: str
    display_name: str
    member: bool  # works the inquiry's queue


def assignees(*, session: Session, actor: Actor, inquiry_id: int) -> list[Assignee]:
    """Members of the inquiry's queue first, then everyone else who can hold work, each by login."""
    from crmterm.services.inquiries.inquiry_actions import load

    require(actor, Permission.INQUIRIES_WRITE)  # who may not assign hears so before anything about the inquiry
    inquiry: Inquiry = load(session, inquiry_id, lock=False)
    queue = session.get(Queue, inquiry.queue_id) if inquiry.queue_id else None
    if not can_supervise(actor, queue):
        raise PermissionDenied(_("{who} may not do this (supervisors and queue administrators)").format(
            who=actor.login))
    people = session.exec(select(User).where(col(User.active).is_(True), col(User.role_code).in_(_WORKING_ROLES))
                          .order_by(User.login)).all()
    found = [Assignee(login=u.login, display_name=u.display_name, member=_works(u, queue)) for u in people]
    return sorted(found, key=lambda a: not a.member)  # stable: by login within each part


def _works(user: User, queue: Queue | None) -> bool:
    if queue is None:
        return False
    return user.login in queue.members or bool(set(user.groups or []) & set(queue.groups))
