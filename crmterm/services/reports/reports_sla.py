"""Deadline keeping by queue, step and priority: of the inquiries registered in the period that have a
deadline (due_at before NO_DEADLINE) and were not cancelled, how many were resolved on time, late, are open
past their deadline, or are open and still in time; and how fast they were first taken.

Definitions (queue and step are where the inquiry is now; a closed one is in the step it was closed into,
with the last queue it waited in):
- on time: closed and closed_at <= due_at; closed late: closed and closed_at > due_at;
- overdue: open and due_at < now; in time so far: open and due_at >= now;
- share on time: on time / (on time + closed late + overdue), the inquiries whose outcome is known;
- reaction: hours from created_at to the inquiry's first 'taken' event, over the inquiries taken at all.

Each counted outcome is one entry of OUTCOMES, so a later deadline kind (reaction deadlines over business
calendars) is one more entry and one more column.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlmodel import Session, col

from crmterm.i18n import N_, _, fmt_datetime, pick
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.reports.report_table import Column, ColumnKind, ReportTable, Total
from crmterm.services.reports.reports_drill import drill_key
from crmterm.services.reports.reports_scope import Phases, Progress, ReportParams, described, inquiries, resolve
from crmterm.services.reports.reports_sql import hours_between, in_hours, percentiles, share
from crmterm.store import NO_DEADLINE, Inquiry, InquiryEvent, Priority, Queue, Route, utcnow
from crmterm.workflow.engine import OPEN, State

TITLE = N_("Deadlines (SLA) by queue, step and priority")
_CLOSED, _OPEN = col(Inquiry.state) == State.CLOSED, col(Inquiry.state).in_(sorted(OPEN))


@dataclass(frozen=True)
class Outcome:
    key: str
    label: str  # N_()
    condition: Callable[[datetime], ColumnElement[bool]]  # now -> SQL condition on Inquiry
    late: bool | None  # True: a breach, False: kept, None: not decided yet


OUTCOMES = (
    Outcome("on_time", N_("Closed on time"), lambda now: _CLOSED & (col(Inquiry.closed_at) <= Inquiry.due_at), False),
    Outcome("closed_late", N_("Closed late"), lambda now: _CLOSED & (col(Inquiry.closed_at) > Inquiry.due_at), True),
    Outcome("overdue", N_("Open, overdue"), lambda now: _OPEN & (col(Inquiry.due_at) < now), True),
    Outcome("in_time", N_("Open, in time"), lambda now: _OPEN & (col(Inquiry.due_at) >= now), None),
)
_GROUP = ("queue", "step", "priority")


def _measured(scope, *columns):
    """The inquiries the report is about, with their group columns first."""
    return inquiries(scope, Inquiry.queue_id.label("queue"), Inquiry.step.label("step"),
                     Inquiry.priority_id.label("priority"), *columns).where(
        Inquiry.due_at != NO_DEADLINE, Inquiry.state != State.CANCELLED)


def _counts_query(scope, now: datetime):
    sums = [func.sum(case((o.condition(now), 1), else_=0)).label(o.key) for o in OUTCOMES]
    return _measured(scope, func.count().label("total"), *sums).group_by(col(Inquiry.queue_id), Inquiry.step,
                                                                         Inquiry.priority_id)


def _reaction_query(scope):
    """Median and p90 hours to the first take per group, and over all groups (the row with overall = 1)."""
    first_taken = (select(func.min(InquiryEvent.at)).where(InquiryEvent.inquiry_id == Inquiry.id,
                                                            InquiryEvent.kind == "taken").scalar_subquery())
    source = _measured(scope, hours_between(Inquiry.created_at, first_taken).label("hours"))
    return percentiles(source, list(_GROUP), "hours", overall=True)


def columns() -> list[Column]:
    return [Column("queue", _("Queue"), ColumnKind.TEXT, Total.LABEL), Column("step", _("Step")),
            Column("priority", _("Priority")), Column("total", _("With a deadline"), ColumnKind.INT, Total.SUM),
            *(Column(o.key, _(o.label), ColumnKind.INT, Total.SUM) for o in OUTCOMES),
            Column("on_time_share", _("Share on time"), ColumnKind.PERCENT),
            Column("reaction_median_hours", _("Median time to take, h"), ColumnKind.HOURS,
                   heading=_("Median time to take")),
            Column("reaction_p90_hours", _("90% taken within, h"), ColumnKind.HOURS, heading=_("90% taken within"))]


def sla_report(*, session: Session, actor: Actor, params: ReportParams, now: datetime | None = None,
               progress: Progress | None = None) -> ReportTable:
    require(actor, Permission.REPORTS_READ)
    scope, now = resolve(session, params), now or utcnow()
    phases = Phases(progress, 2)
    phases.step(_("Counting deadlines kept and missed"))
    counts = session.execute(_counts_query(scope, now)).all()
    phases.step(_("Times to take"))
    reaction = {None if r.overall else tuple(r[:3]): r for r in session.execute(_reaction_query(scope)).all()}
    phases.finish()
    names = _Names(session)
    counts = sorted(counts, key=names.order)
    table = ReportTable(name="sla", title=_(TITLE), params=described(scope) | {_("As of"): fmt_datetime(now)},
                        columns=columns(), rows=[])
    for row in counts:
        times = reaction.get((row.queue, row.step, row.priority))
        table.rows.append([names.queue(row.queue), names.step(row.step), names.priority(row.priority), row.total,
                           *(getattr(row, o.key) for o in OUTCOMES), _on_time_share(row._mapping),
                           *_hours(times)])
        table.drill.append(drill_key("sla", scope, where={"queue_id": row.queue, "step": row.step,
                                                           "priority_id": row.priority}, deadline=True))
    sums = {key: sum(getattr(r, key) for r in counts) for key in ("total", *(o.key for o in OUTCOMES))}
    table.totals = [None, None, None, sums["total"], *(sums[o.key] for o in OUTCOMES), _on_time_share(sums),
                    *_hours(reaction.get(None))]
    return table


def _on_time_share(counts: Mapping[Any, int]) -> float | None:
    decided = sum(counts[o.key] for o in OUTCOMES if o.late is not None)
    return share(sum(counts[o.key] for o in OUTCOMES if o.late is False), decided)


def _hours(times) -> list[float | None]:
    return [None, None] if times is None else [in_hours(times.median), in_hours(times.p90)]


class _Names:
    """Labels of the few queues, steps and priorities in the rows, and the order rows are shown in."""

    def __init__(self, session: Session) -> None:
        self.queues = {q.id: pick(q.labels, q.code) for q in session.execute(select(Queue)).scalars()}
        self.priorities = {p.id: (p.rank, pick(p.labels, p.code)) for p in session.execute(select(Priority)).scalars()}
        self.steps: dict[str, str] = {}
        for steps in session.execute(select(col(Route.steps)).order_by(col(Route.id))).scalars():
            for step in steps:
                self.steps.setdefault(step.get("code"), pick(step.get("labels"), step.get("code")))

    def queue(self, queue_id: int | None) -> str:
        return self.queues.get(queue_id, "—") if queue_id is not None else "—"

    def step(self, code: str | None) -> str:
        return self.steps.get(code, code) if code else "—"

    def priority(self, priority_id: int | None) -> str:
        return self.priorities.get(priority_id, (0, "—"))[1]

    def order(self, row) -> tuple:
        return (self.queue(row.queue), self.step(row.step), self.priorities.get(row.priority, (1_000, ""))[0])
