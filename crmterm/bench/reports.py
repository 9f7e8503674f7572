"""The four standard reports (topics, operators, repeats, sla) over one month of the data set, through the
service call `crmterm report NAME` makes (services/reports/reports.run), each in its own unit of work.

The month is the last full calendar month before the newest inquiry: synthetic inquiries spread over the year
before the set was built, so that month is full wherever the set came from and whenever the bench runs.
Each report runs once untimed (the pages it reads cached, statements prepared: what a supervisor re-running a
report sees) and then once timed; the figure is seconds, `report_<name>_s`."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from sqlmodel import func, select

from crmterm.services.accounts.permissions import SYSTEM
from crmterm.services.reports import reports
from crmterm.store import Inquiry
from crmterm.store.db import unit_of_work


def month_of(url: str) -> tuple[datetime, datetime]:
    """[first day, first day of the next month) of the last full month before the newest inquiry, in UTC."""
    with unit_of_work(url) as session:
        newest = session.exec(select(func.max(Inquiry.created_at))).one()
    newest = newest or datetime.now(UTC)
    end = datetime(newest.year, newest.month, 1, tzinfo=UTC)  # the newest inquiry's month is still filling
    start = datetime(end.year - 1, 12, 1, tzinfo=UTC) if end.month == 1 else end.replace(month=end.month - 1)
    return start, end


def measure_reports(url: str) -> dict[str, float]:
    start, end = month_of(url)
    params = reports.ReportParams(start=start, end=end)
    figures: dict[str, float] = {}
    for name in reports.STANDARD:
        _run(url, name, params)  # warm, not timed
        started = time.perf_counter()
        _run(url, name, params)
        figures[f"report_{name}_s"] = time.perf_counter() - started
    return figures


def _run(url: str, name: str, params: reports.ReportParams) -> None:
    """One report in its own unit of work, as the CLI's `env.call(reports.run, …)` does; rolled back (a report
    writes nothing, and the bench leaves the data set as it found it)."""
    with unit_of_work(url) as session:
        reports.run(session=session, actor=SYSTEM, name=name, params=params)
        session.rollback()
