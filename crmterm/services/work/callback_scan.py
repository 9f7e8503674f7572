"""Overdue callbacks escalate like SLA warnings: once a scheduled callback's window has passed, the scan marks
it (`overdue_at`) and notifies its agent and the supervisors (the admins of its queue; for an agent's own
callback, the admins of the queues that agent works) through the SLA notification outbox, with the
`callback_overdue` templates. `crmterm sla scan` and the supervisors' TUI timer run it after the SLA scan.

Once only: the mark is a guarded UPDATE (`overdue_at IS NULL`), so a second scan, or two at once, escalate a
callback once; the notification's key names the callback and its window, so rescheduling it (which clears
the mark) may escalate the new window again, never the same one twice."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import update
from sqlmodel import Session, col, select

from crmterm.services.accounts.permissions import Actor, Permission, Role, require
from crmterm.services.accounts.queue_access import queues_of
from crmterm.services.sla import notifications
from crmterm.services.work import callbacks
from crmterm.store import Callback, Queue, User, utcnow
from crmterm.store.tables import rowcount

EVENT = "callback_overdue"
BATCH = 200


class OverdueReport(BaseModel):
    now: datetime
    escalated: int = 0  # callbacks marked overdue by this scan
    notified: int = 0  # notifications queued
    more: bool = False  # the batch was full: scan again


def scan_overdue(*, session: Session, actor: Actor, now: datetime | None = None, limit: int = BATCH
                 ) -> OverdueReport:
    """Mark and notify every scheduled callback whose window ended by `now` and was not escalated yet."""
    require(actor, Permission.INQUIRIES_SUPERVISE)
    report = OverdueReport(now=now or utcnow())
    due = _due(session, report.now, limit)
    for row in due:
        if _mark(session, row, report.now):
            report.escalated += 1
            report.notified += _notify(session, row)
    report.more = len(due) == limit
    return report


def _due(session: Session, now: datetime, limit: int) -> list[Callback]:
    query = (select(Callback).where(Callback.state == callbacks.SCHEDULED, col(Callback.overdue_at).is_(None),
                                    col(Callback.window_to) <= now)
             .order_by(col(Callback.window_to), col(Callback.id)).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)  # another scanner has those: it does them
    return list(session.exec(query).all())


def _mark(session: Session, row: Callback, now: datetime) -> bool:
    """Scheduling state, not a change by a person: no new version, so nobody's open form conflicts."""
    result = session.execute(update(Callback).where(col(Callback.id) == row.id, col(Callback.overdue_at).is_(None))
                             .values(overdue_at=now).execution_options(synchronize_session=False))
    return rowcount(result) == 1


def _notify(session: Session, row: Callback) -> int:
    recipients = [f"user:{login}" for login in _recipients(session, row)]
    if not recipients:
        return 0
    shown = callbacks.reads(session, [row])[0]
    data = {"callback_id": shown.id, "customer": shown.customer, "number": shown.number,
            "window_to": shown.window_to.isoformat(), "agent": shown.agent, "queue": shown.queue,
            "inquiry_id": shown.inquiry_id, "note": shown.note}
    return len(notifications.notify(session=session, event=EVENT, recipients=recipients, data=data,
                                    inquiry_id=row.inquiry_id,
                                    key=f"callback:{row.id}:overdue:{row.window_to.isoformat()}"))


def _recipients(session: Session, row: Callback) -> list[str]:
    """Its agent, then the supervisors: active users only (someone who left is skipped, not an error)."""
    logins: list[str] = []
    agent = session.get(User, row.agent_id) if row.agent_id is not None else None
    if agent is not None:
        logins.append(agent.login)
        worked = queues_of(session, Actor(login=agent.login, role=Role.AGENT, id=agent.id))
        admins = [login for queue in worked for login in queue.admins]
    else:
        queue = session.get(Queue, row.queue_id) if row.queue_id is not None else None
        admins = list(queue.admins) if queue is not None else []
    logins += [login for login in dict.fromkeys(admins) if login not in logins]
    if not logins:
        return []
    active = set(session.exec(select(User.login).where(col(User.login).in_(logins),
                                                       col(User.active).is_(True))).all())
    return [login for login in logins if login in active]
