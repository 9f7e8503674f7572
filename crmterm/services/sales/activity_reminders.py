"""Reminders of sales activities through the notification outbox (the in-app inbox, and e-mail where the
owner's preferences say so): once an open activity starts within `ahead` minutes, its owner is notified.

Once only: the mark is a guarded UPDATE (`reminded_at IS NULL`), so a second scan, or two at once, remind of an
activity once; the notification's key names the activity and its start, so rescheduling it (which clears the
mark) reminds of the new start, never of the same one twice. `crmterm activity remind` runs it (from cron or a
loop); a sales supervisor's scan covers everyone, a seller's their own activities."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import update
from sqlmodel import Session, col, select

from crmterm.services.accounts.permissions import Actor, Permission
from crmterm.services.sales import activities, sales_access
from crmterm.services.sla import notifications
from crmterm.store import SalesActivity, utcnow
from crmterm.store.tables import rowcount

EVENT = "activity_reminder"
AHEAD = 15  # minutes before the start
BATCH = 200
STALE = timedelta(days=1)  # an activity that started longer ago is overdue on the calendar, not reminded of
_KIND_LABELS = {"call": {"en": "Call", "ru": "Звонок"}, "meeting": {"en": "Meeting", "ru": "Встреча"},
                "task": {"en": "Task", "ru": "Задача"}}


class ReminderReport(BaseModel):
    now: datetime
    reminded: int = 0  # activities marked by this scan
    notified: int = 0  # notifications queued
    more: bool = False  # the batch was full: scan again


def remind_activities(*, session: Session, actor: Actor, now: datetime | None = None, ahead: int = AHEAD,
                      limit: int = BATCH) -> ReminderReport:
    """Notify the owner of every open activity starting by `now` + `ahead` minutes not reminded of yet."""
    sales_access.require_seller(actor)
    report = ReminderReport(now=now or utcnow())
    query = (select(SalesActivity).where(SalesActivity.state == activities.OPEN,
                                         col(SalesActivity.reminded_at).is_(None),
                                         col(SalesActivity.starts_at) <= report.now + timedelta(minutes=ahead),
                                         col(SalesActivity.starts_at) > report.now - STALE)
             .order_by(col(SalesActivity.starts_at), col(SalesActivity.id)).limit(limit))
    if not actor.can(Permission.SALES_SUPERVISE):
        query = query.where(SalesActivity.owner_id == actor.id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)  # another scanner has those: it does them
    due = list(session.exec(query).all())
    for row in due:
        if _mark(session, row, report.now):
            report.reminded += 1
            report.notified += _notify(session, row)
    report.more = len(due) == limit
    return report


def _mark(session: Session, row: SalesActivity, now: datetime) -> bool:
    """Scheduling state, not a change by a person: no new version, so nobody's open form conflicts."""
    result = session.execute(update(SalesActivity)
                             .where(col(SalesActivity.id) == row.id, col(SalesActivity.reminded_at).is_(None))
                             .values(reminded_at=now).execution_options(synchronize_session=False))
    return rowcount(result) == 1


def _notify(session: Session, row: SalesActivity) -> int:
    shown = activities.reads(session, [row])[0]
    if shown.owner is None:
        return 0
    data = {"activity_id": shown.id, "kind": shown.kind, "kind_label": _KIND_LABELS[shown.kind],
            "title": shown.title, "starts_at": shown.starts_at.isoformat(), "duration": shown.duration,
            "customer": shown.customer, "opportunity": shown.opportunity}
    return len(notifications.notify(session=session, event=EVENT, recipients=[f"user:{shown.owner}"], data=data,
                                    key=f"activity:{shown.id}:remind:{shown.starts_at.isoformat()}"))
