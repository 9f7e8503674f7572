"""SLA at a glance: the badge of an inquiry's deadline (remaining time, or how long ago it passed) and the
number of overdue inquiries in the user's queues (the status bar), read from the queue/deadline index and
capped, so it stays cheap however many there are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from crmterm.i18n import fmt_duration
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.accounts.queue_access import queues_of
from crmterm.store import Inquiry, utcnow
from crmterm.workflow.engine import ASSIGNED, OPEN, State

OVERDUE_CAP = 1000  # the status bar shows "999+" from here on: counting further costs and tells nothing
OK, WARNING, BREACH = "ok", "warning", "breach"
ICONS = {OK: "", WARNING: "⚠", BREACH: "⛔"}


@dataclass(frozen=True)
class Badge:
    level: str  # ok | warning | breach
    remaining: timedelta  # negative once the deadline has passed

    @property
    def text(self) -> str:
        """"⚠ 0:45", "⛔-1:10" (the emoji takes two cells: a space after it would only widen the column)."""
        icon = ICONS[self.level]
        gap = "" if self.level == BREACH else " "
        return f"{icon}{gap}{duration(self.remaining)}" if icon else duration(self.remaining)


def badge(due_at: datetime | None, warn_at: datetime | None, state: str, now: datetime) -> Badge | None:
    """None for a closed inquiry or one without a deadline; the warning window starts at `warn_at`."""
    if due_at is None or state not in OPEN:
        return None
    remaining = due_at - now
    if remaining <= timedelta(0):
        return Badge(BREACH, remaining)
    return Badge(WARNING if warn_at is not None and warn_at <= now else OK, remaining)


def duration(delta: timedelta) -> str:
    """Wall-clock time, as the agent's own clock will show it, in the one translated form (i18n)."""
    return fmt_duration(delta)


def overdue_count(*, session: Session, actor: Actor, now: datetime | None = None, cap: int = OVERDUE_CAP) -> int:
    """Open inquiries past their deadline in the queues the actor works (supervisors: every queue), up to
    `cap`: one range of the (queue, state, deadline) index per queue and state."""
    require(actor, Permission.INQUIRIES_READ)
    queue_ids = [queue.id for queue in queues_of(session, actor)]
    if not queue_ids:
        return 0
    overdue = (select(Inquiry.id).where(col(Inquiry.queue_id).in_(queue_ids),
                                        col(Inquiry.state).in_([State.WAITING, *ASSIGNED]),
                                        Inquiry.due_at < (now or utcnow())).limit(cap).subquery())
    return session.exec(select(func.count()).select_from(overdue)).one()
