"""Inquiries registered per day over a report's period and filters: the Reports tab draws them as a sparkline.

A day is a calendar day in the time zone the period was given in (the offset of `params.start`, as the custom
report's "day" group counts them); every day of the period is listed, a day without inquiries with 0. One
GROUP BY over the period's range of the creation index, on both backends (reports_sql.local_day).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session

from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.reports.reports_scope import ReportParams, inquiries, offset_minutes, resolve
from crmterm.services.reports.reports_sql import local_day
from crmterm.store import Inquiry


def daily_counts(*, session: Session, actor: Actor, params: ReportParams) -> list[tuple[date, int]]:
    """(day, inquiries registered that day) for every day the period touches, oldest first."""
    require(actor, Permission.REPORTS_READ)
    scope = resolve(session, params)  # checks the period and resolves the filters' codes
    minutes = offset_minutes(params.start)
    day = local_day(Inquiry.created_at, minutes).label("day")
    # GROUP BY the output name: the offset is a bound parameter, and PostgreSQL would not see two of them
    # (one in SELECT, one in GROUP BY) as the same expression
    rows = session.execute(inquiries(scope, day, func.count().label("n")).group_by("day")).all()
    counted = {date.fromisoformat(row.day): row.n for row in rows}
    return [(day, counted.get(day, 0)) for day in period_days(params.start, params.end)]


def period_days(start: datetime, end: datetime) -> list[date]:
    """The calendar days (in start's time zone) that [start, end) touches."""
    local_end = end.astimezone(start.tzinfo)
    last = local_end.date() if local_end.time() != datetime.min.time() else local_end.date() - timedelta(days=1)
    first = start.date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
