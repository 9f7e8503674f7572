"""A report of the user's own: one of their saved inquiry filters (the Queues tab's tabs), over the period and
the report filters, grouped by one property, with the number of inquiries per group and chosen columns.

Groups: topic, queue, state, priority, operator (who registered the inquiry), assignee, day (the creation
day in the time zone the period was given in), the customer's client category now or at the time of the
inquiry (from the change log). Columns: see MEASURES; `inquiries` is always there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlmodel import Session, col

from crmterm.errors import NotFound, ValidationError
from crmterm.i18n import N_, _, pick
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.inquiries.inquiry_log import state_label
from crmterm.services.reports.report_table import Column, ColumnKind, ReportTable, Total
from crmterm.services.reports.reports_categories import category_names, category_now, category_then
from crmterm.services.reports.reports_drill import drill_key
from crmterm.services.reports.reports_scope import (
    Phases,
    Progress,
    ReportParams,
    Scope,
    described,
    inquiries,
    offset_minutes,
    resolve,
    saved_filter_conditions,
    topic_names,
)
from crmterm.services.reports.reports_sql import MEDIAN, average, hours_between, in_hours, local_day, percentiles
from crmterm.services.routing import saved_filters
from crmterm.services.routing.queues import STATE_FILTERS, InquiryFilter
from crmterm.store import NO_DEADLINE, Contact, Inquiry, Priority, Queue, User, utcnow
from crmterm.workflow.engine import OPEN, State

# --- what a report can group by: the SQL value, how it is shown and ordered, its drill-down --------------

_STATE_ORDER = [s.value for s in State]
NONE_SHOWN = "—"


def _labels(session: Session, model) -> dict[Any, tuple]:
    return {r.id: (r.rank if model is Priority else 0, pick(r.labels, r.code))
            for r in session.execute(select(model)).scalars()}


def _users(session: Session) -> dict[Any, tuple]:
    return {u.id: (0, u.display_name or u.login) for u in session.execute(select(User)).scalars()}


def _topics(session: Session) -> dict[Any, tuple]:
    return {topic_id: (order, label) for topic_id, (_code, label, order) in topic_names(session).items()}


def _states(_session: Session) -> dict[Any, tuple]:
    return {state: (_STATE_ORDER.index(state), state_label(state)) for state in _STATE_ORDER}


@dataclass(frozen=True)
class Group:
    name: str
    label: str  # N_()
    key: Callable[[datetime], Any]  # period start -> the SQL value of the group
    lookup: Callable[[Session], dict[Any, tuple]] | None  # value -> (sort key, shown); None: the value itself
    column: str | None = None  # the DrillKey.where key; None for day
    needs_contact: bool = False

    def joined(self, query):
        return query.join(Contact, Contact.id == Inquiry.contact_id) if self.needs_contact else query

    def names(self, session: Session) -> dict[Any, tuple]:
        return self.lookup(session) if self.lookup else {}

    def shown(self, names: dict, value) -> Any:
        if self.name == "day":
            return date.fromisoformat(value)
        if value is None:
            return NONE_SHOWN
        return names.get(value, (None, str(value)))[1]

    def order(self, names: dict, value) -> tuple:
        if value is None:  # "no queue", "nobody": last
            return (1, ())
        return (0, names.get(value, ((), str(value)))[0], str(value))

    def drill(self, scope: Scope, value) -> tuple[Scope, dict]:
        if self.name == "day":
            first = datetime.combine(date.fromisoformat(value), datetime.min.time(), scope.start.tzinfo)
            return scope.during(max(first, scope.start), min(first + timedelta(days=1), scope.end)), {}
        return scope, {"where": {self.column: value}}


GROUPS: dict[str, Group] = {g.name: g for g in (
    Group("topic", N_("Topic"), lambda start: Inquiry.topic_id, _topics, "topic_id"),
    Group("queue", N_("Queue"), lambda start: Inquiry.queue_id, lambda s: _labels(s, Queue), "queue_id"),
    Group("state", N_("State"), lambda start: Inquiry.state, _states, "state"),
    Group("priority", N_("Priority"), lambda start: Inquiry.priority_id, lambda s: _labels(s, Priority),
          "priority_id"),
    Group("operator", N_("Operator"), lambda start: Contact.operator_id, _users, "operator_id", needs_contact=True),
    Group("assignee", N_("Assignee"), lambda start: Inquiry.assignee_id, _users, "assignee_id"),
    Group("day", N_("Day"), lambda start: local_day(Inquiry.created_at, offset_minutes(start)), None),
    # the customer's category today, or the one it had when the inquiry was made (reports_categories)
    Group("category", N_("Client category now"), lambda start: category_now(), category_names, "category"),
    Group("category_then", N_("Client category at the time"), lambda start: category_then(), category_names,
          "category_then"),
)}


# --- what it counts ------------------------------------------------------------------------------------

_HOURS = hours_between(Inquiry.created_at, Inquiry.closed_at)
_CLOSED, _OPEN = col(Inquiry.state) == State.CLOSED, col(Inquiry.state).in_(sorted(OPEN))
_LATE = (col(Inquiry.due_at) != NO_DEADLINE) & (col(Inquiry.closed_at) > Inquiry.due_at)


def _count(condition) -> object:
    return func.sum(case((condition, 1), else_=0))


@dataclass(frozen=True)
class Measure:
    label: str  # N_()
    kind: ColumnKind
    sql: Callable[[datetime], list] | None  # now -> aggregate columns; None: computed from others
    total: Total = Total.SUM
    heading: str = ""  # N_(): the label over values shown as durations (Column.heading)


MEASURES: dict[str, Measure] = {
    "open": Measure(N_("Open"), ColumnKind.INT, lambda now: [_count(_OPEN)]),
    "closed": Measure(N_("Closed"), ColumnKind.INT, lambda now: [_count(_CLOSED)]),
    "cancelled": Measure(N_("Cancelled"), ColumnKind.INT, lambda now: [_count(col(Inquiry.state) == State.CANCELLED)]),
    "overdue": Measure(N_("Open, overdue"), ColumnKind.INT, lambda now: [_count(_OPEN & (col(Inquiry.due_at) < now))]),
    "closed_late": Measure(N_("Closed late"), ColumnKind.INT, lambda now: [_count(_CLOSED & _LATE)]),
    "avg_hours_to_close": Measure(N_("Average time to close, h"), ColumnKind.HOURS, lambda now: [
        func.sum(case((_CLOSED, _HOURS))), func.count(case((_CLOSED, _HOURS)))], Total.NONE,
        N_("Average time to close")),
    "median_hours_to_close": Measure(N_("Median time to close, h"), ColumnKind.HOURS, None, Total.NONE,
                                     N_("Median time to close")),
    "first": Measure(N_("First"), ColumnKind.DATETIME, lambda now: [func.min(Inquiry.created_at)], Total.NONE),
    "last": Measure(N_("Last"), ColumnKind.DATETIME, lambda now: [func.max(Inquiry.created_at)], Total.NONE),
}
TITLE = N_("Saved filter “{name}”")


def custom_report(*, session: Session, actor: Actor, params: ReportParams, saved_filter: str,
                  group_by: str = "topic", columns: list[str] | tuple[str, ...] = (), now: datetime | None = None,
                  progress: Progress | None = None) -> ReportTable:
    require(actor, Permission.REPORTS_READ)
    group, chosen = _checked(group_by, columns)
    where = _saved(session, actor, saved_filter)
    scope, now = resolve(session, params), now or utcnow()
    conditions = saved_filter_conditions(session, actor.login, where, now)
    phases = Phases(progress, 2 if "median_hours_to_close" in chosen else 1)
    phases.step(_("Counting inquiries by {group}").format(group=_(group.label)))
    base = group.joined(inquiries(scope, group.key(scope.start).label("group")).where(*conditions))
    measured = [c for key in chosen if (sql := MEASURES[key].sql) for c in sql(now)]
    rows = session.execute(base.add_columns(func.count().label("inquiries"), *measured).group_by("group")).all()
    medians = {}
    if "median_hours_to_close" in chosen:
        phases.step(_("Times to close"))
        to_close = case((_CLOSED, _HOURS)).label("hours")  # NULL unless closed: see reports_topics
        closed = group.joined(inquiries(scope, group.key(scope.start).label("group"), to_close).where(*conditions))
        medians = {r.group: r.median for r in session.execute(percentiles(closed, ["group"], "hours", (MEDIAN,)))}
    phases.finish()
    table = ReportTable(name=f"custom:{saved_filter}", title=_(TITLE).format(name=saved_filter),
                        columns=_columns(group, chosen), rows=[],
                        params=described(scope) | {_("Grouped by"): _(group.label)})
    names, hours = group.names(session), [0.0, 0]
    for row in sorted(rows, key=lambda r: group.order(names, r.group)):
        table.rows.append([group.shown(names, row.group), row.inquiries,
                           *_cells(chosen, list(row[2:]), medians.get(row.group), hours)])
        group_scope, parts = group.drill(scope, row.group)
        table.drill.append(drill_key(table.name, group_scope, **parts, saved=where, now=now))
    table.totals = _totals(table, chosen, hours)
    return table


def _columns(group: Group, chosen: list[str]) -> list[Column]:
    kind = ColumnKind.DATE if group.name == "day" else ColumnKind.TEXT
    return [Column("group", _(group.label), kind, Total.LABEL), Column("inquiries", _("Inquiries"), ColumnKind.INT,
                                                                          Total.SUM),
            *(_measure_column(key) for key in chosen)]


def _measure_column(key: str) -> Column:
    measure = MEASURES[key]
    return Column(key, _(measure.label), measure.kind, measure.total, _(measure.heading) if measure.heading else "")


def _cells(chosen: list[str], values: list, median: float | None, hours: list) -> list:
    """One cell per chosen column, taking each measure's values off the front of `values` (selected in that
    order); adds the group's hours to close and their count to `hours` for the totals row."""
    cells = []
    for key in chosen:
        if key == "median_hours_to_close":
            cells.append(in_hours(median))
        elif key == "avg_hours_to_close":
            total, count = values.pop(0), values.pop(0)
            hours[0], hours[1] = hours[0] + (total or 0.0), hours[1] + count
            cells.append(average(total, count))
        else:
            cells.append(values.pop(0))
    return cells


def _checked(group_by: str, columns) -> tuple[Group, list[str]]:
    if group_by not in GROUPS:
        raise ValidationError("group_by", _("one of: {choices}").format(choices=", ".join(GROUPS)))
    unknown = [c for c in columns if c not in MEASURES]
    if unknown:
        raise ValidationError("columns", _("unknown column '{column}'; known: {choices}").format(
            column=unknown[0], choices=", ".join(MEASURES)))
    return GROUPS[group_by], list(dict.fromkeys(columns))


def _saved(session: Session, actor: Actor, name: str) -> InquiryFilter:
    found = next((f for f in saved_filters.list_filters(session=session, actor=actor) if f.name == name), None)
    if found is None:
        raise NotFound(_("Saved filter"), name)
    if found.where.state not in STATE_FILTERS:
        raise ValidationError("state", _("one of: {choices}").format(choices=", ".join(STATE_FILTERS)))
    return found.where


def _totals(table: ReportTable, chosen: list[str], hours: list) -> list:
    totals: list = [None, sum(row[1] for row in table.rows)]
    for offset, key in enumerate(chosen, start=2):
        cells = [row[offset] for row in table.rows if row[offset] is not None]
        if MEASURES[key].total == Total.SUM:
            totals.append(sum(cells))
        elif key == "avg_hours_to_close":
            totals.append(average(hours[0], hours[1]))
        elif key in ("first", "last"):  # MIN/MAX of created_at: moments
            moments = [cell for cell in cells if isinstance(cell, datetime)]
            totals.append((min if key == "first" else max)(moments, default=None))
        else:
            totals.append(None)  # the groups' medians do not make the median of all
    return totals
