"""Repeat inquiries ("Статистика повторных обращений"): customers who came back on the same topic.

An inquiry registered in the period is a repeat when the same customer had an earlier inquiry on the same
topic created less than `days` days before it (that earlier one may lie before the period; inquiries of the
same moment are ordered by id). The filters apply to both. One row per customer and topic with at least one
repeat: the customer's inquiries on the topic in the period, how many of them are repeats, and the first and
last of them. Anonymous inquiries (no customer) are never repeats. The drill-down lists the customer's
inquiries on the topic from `days` days before the period to its end.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import case, func, select
from sqlmodel import Session, col

from crmterm.errors import ValidationError
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
from crmterm.services.reports.reports_sql import hours_between
from crmterm.store import Inquiry, Party

TITLE = N_("Repeat inquiries")
DEFAULT_DAYS = 30
MAX_DAYS = 366


def _repeats_query(scope, days: int):
    """Each inquiry of the period and the window before it beside the previous one of the same customer and
    topic (LAG over the pair), then per pair: inquiries in the period and how many came back in time."""
    widened = scope.during(scope.start - timedelta(days=days), scope.end)
    pair = (col(Inquiry.party_id), col(Inquiry.topic_id))
    previous = func.lag(Inquiry.created_at).over(partition_by=pair, order_by=(col(Inquiry.created_at), col(Inquiry.id)))
    rows = (inquiries(widened, col(Inquiry.party_id).label("party"), col(Inquiry.topic_id).label("topic"),
                      col(Inquiry.created_at).label("at"), previous.label("previous"))
            .where(col(Inquiry.party_id).is_not(None)).subquery("paired"))
    came_back = func.sum(case((hours_between(rows.c.previous, rows.c.at) < days * 24, 1), else_=0))
    return (select(rows.c.party, rows.c.topic, func.count().label("inquiries"), came_back.label("repeats"),
                   func.min(rows.c.at).label("first"), func.max(rows.c.at).label("last"))
            .where(rows.c.at >= scope.start).group_by(rows.c.party, rows.c.topic).having(came_back > 0))


def columns() -> list[Column]:
    return [Column("customer", _("Customer"), ColumnKind.TEXT, Total.LABEL),
            Column("customer_id", _("Customer number"), ColumnKind.INT),
            Column("topic", _("Topic")), Column("code", _("Code")),
            Column("inquiries", _("Inquiries in the period"), ColumnKind.INT, Total.SUM),
            Column("repeats", _("Repeats"), ColumnKind.INT, Total.SUM),
            Column("first", _("First"), ColumnKind.DATETIME), Column("last", _("Last"), ColumnKind.DATETIME)]


def repeats_report(*, session: Session, actor: Actor, params: ReportParams, days: int = DEFAULT_DAYS,
                   progress: Progress | None = None) -> ReportTable:
    require(actor, Permission.REPORTS_READ)
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError("days", _("from 1 to {n}").format(n=MAX_DAYS))
    scope = resolve(session, params)
    phases = Phases(progress, 2)
    phases.step(_("Finding customers who came back"))
    found = session.execute(_repeats_query(scope, days)).all()
    phases.step(_("Reading customer names"))
    customers = _names(session, sorted({r.party for r in found}))
    phases.finish()
    topics = topic_names(session)
    found = sorted(found, key=lambda r: (-r.repeats, -r.inquiries, customers.get(r.party, "").casefold(),
                                         r.party, topics.get(r.topic, ("", "", ()))[2]))
    table = ReportTable(name="repeats", title=_(TITLE), columns=columns(), rows=[],
                        params=described(scope) | {_("Came back within, days"): str(days)})
    for row in found:
        code, label, _order = topics.get(row.topic, (str(row.topic), str(row.topic), ()))
        table.rows.append([customers.get(row.party, str(row.party)), row.party, label, code, row.inquiries,
                           row.repeats, row.first, row.last])
        table.drill.append(drill_key("repeats", scope.during(scope.start - timedelta(days=days), scope.end),
                                     where={"party_id": row.party, "topic_id": row.topic}))
    table.totals = [None, None, None, None, sum(r.inquiries for r in found), sum(r.repeats for r in found),
                    min((r.first for r in found), default=None), max((r.last for r in found), default=None)]
    return table


def _names(session: Session, party_ids: list[int]) -> dict[int, str]:
    """Display names of the customers in the rows, a thousand ids per statement."""
    names: dict[int, str] = {}
    for offset in range(0, len(party_ids), 1000):
        chunk = party_ids[offset:offset + 1000]
        names.update(session.execute(select(col(Party.id), col(Party.display_name))
                                     .where(col(Party.id).in_(chunk))).all())
    return names
