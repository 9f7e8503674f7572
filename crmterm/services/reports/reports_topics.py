"""Inquiry statistics by topic ("Статистика обращений по темам"): for the inquiries registered in the period,
per topic: how many, how many are closed, open and cancelled now, the share closed at the first contact, and
the median and 90th percentile of the time to close.

Definitions:
- closed / open / cancelled: the inquiry's state now (open = registered, waiting, taken or in progress);
- time to close: closed_at − created_at in hours, over the inquiries closed now;
- closed at first contact: closed now, and closed by the registration itself, i.e. within FIRST_CONTACT of
  being created (the registration closes an answered consultation in the same transaction). A reopened
  inquiry's closed_at is its later close, so it no longer counts. The share is of all registered.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import case, func
from sqlmodel import Session

from crmterm.i18n import N_, _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.reports.report_table import Column, ColumnKind, ReportTable, Total
from crmterm.services.reports.reports_drill import drill_key
from crmterm.services.reports.reports_scope import (
    Phases,
    Progress,
    ReportParams,
    described,
    inquiries,
    resolve,
    topic_names,
)
from crmterm.services.reports.reports_sql import hours_between, in_hours, percentiles, share
from crmterm.store import Inquiry
from crmterm.workflow.engine import OPEN, State

FIRST_CONTACT = timedelta(seconds=1)
TITLE = N_("Inquiries by topic")
_HOURS = hours_between(Inquiry.created_at, Inquiry.closed_at)


def _is(condition) -> object:
    return func.sum(case((condition, 1), else_=0))


def _counts_query(scope):
    closed = Inquiry.state == State.CLOSED
    first_contact = closed & (_HOURS <= FIRST_CONTACT.total_seconds() / 3600)
    # `+ 0`: SQLite would otherwise walk a topic index in topic order to skip the sort, instead of reading
    # the period's range of the (created_at, …) index
    topic = (Inquiry.topic_id + 0).label("topic")
    return inquiries(scope, topic, func.count().label("registered"), _is(closed).label("closed"),
                     _is(Inquiry.state.in_(sorted(OPEN))).label("open"),
                     _is(Inquiry.state == State.CANCELLED).label("cancelled"),
                     _is(first_contact).label("first_contact")).group_by(topic)


def _times_query(scope):
    """Median and p90 of the time to close per topic, and over all topics (the row with overall = 1)."""
    # NULL unless closed (percentiles skip NULLs) rather than WHERE state = 'closed': an equality on state
    # could tempt the planner into a state index over every closed inquiry ever, not the period's range
    hours = case((Inquiry.state == State.CLOSED, _HOURS)).label("hours")
    return percentiles(inquiries(scope, (Inquiry.topic_id + 0).label("topic"), hours), ["topic"], "hours",
                       overall=True)


def columns() -> list[Column]:
    return [Column("topic", _("Topic"), ColumnKind.TEXT, Total.LABEL), Column("code", _("Code")),
            Column("registered", _("Registered"), ColumnKind.INT, Total.SUM),
            Column("closed", _("Closed"), ColumnKind.INT, Total.SUM),
            Column("open", _("Open"), ColumnKind.INT, Total.SUM),
            Column("cancelled", _("Cancelled"), ColumnKind.INT, Total.SUM),
            Column("first_contact_share", _("Closed at first contact"), ColumnKind.PERCENT),
            Column("median_hours", _("Median time to close, h"), ColumnKind.HOURS, heading=_("Median time to close")),
            Column("p90_hours", _("90% closed within, h"), ColumnKind.HOURS, heading=_("90% closed within"))]


def topics_report(*, session: Session, actor: Actor, params: ReportParams,
                  progress: Progress | None = None) -> ReportTable:
    require(actor, Permission.REPORTS_READ)
    scope = resolve(session, params)
    phases = Phases(progress, 2)
    phases.step(_("Counting inquiries by topic"))
    counts = session.execute(_counts_query(scope)).all()
    phases.step(_("Times to close"))
    times = {None if r.overall else r.topic: r for r in session.execute(_times_query(scope)).all()}
    phases.finish()
    names = topic_names(session)
    counts = sorted(counts, key=lambda r: names.get(r.topic, ("", "", ()))[2])
    table = ReportTable(name="topics", title=_(TITLE), params=described(scope), columns=columns(), rows=[])
    for row in counts:
        code, label, _order = names.get(row.topic, (str(row.topic), str(row.topic), ()))
        time = times.get(row.topic)
        table.rows.append([label, code, row.registered, row.closed, row.open, row.cancelled,
                           share(row.first_contact, row.registered), *_hours(time)])
        table.drill.append(drill_key("topics", scope, where={"topic_id": row.topic}))
    table.totals = _totals(counts, times.get(None))
    return table


def _totals(counts, overall) -> list:
    sums = [sum(getattr(r, key) for r in counts) for key in ("registered", "closed", "open", "cancelled",
                                                              "first_contact")]
    return [None, None, *sums[:4], share(sums[4], sums[0]), *_hours(overall)]


def _hours(times) -> list[float | None]:
    return [None, None] if times is None else [in_hours(times.median), in_hours(times.p90)]
