"""The report builder: any report = one of the user's saved inquiry filters (or none: every inquiry of the
period), one or two groupings (builder_groups) and measures (builder_measures), over a period and the
report filters. Two groupings give nested groups, one row per pair (the first grouping, then the second),
which reads down a terminal and sorts and filters in a spreadsheet as it is; the exports chart the first
measure per row (XLSX: a native chart with a two-level axis, HTML: an inline SVG).

All counting happens in SQL: one grouped statement for the sums, one percentile statement per time measured
(reports_sql.percentiles, the same figures on SQLite and PostgreSQL).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlmodel import Session, col, select

from crmterm.i18n import N_, _, pick
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.reports import builder_measures as measures
from crmterm.services.reports.builder_drill import drill_of
from crmterm.services.reports.builder_groups import SIMPLE, Grouping, grouping, joined
from crmterm.services.reports.builder_measures import Measure
from crmterm.services.reports.report_table import Chart, Column, ColumnKind, ReportTable, Total
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
)
from crmterm.services.reports.reports_sql import percentiles
from crmterm.services.routing import saved_filters
from crmterm.services.routing.queues import InquiryFilter
from crmterm.store import AttributeDef, User, utcnow

TITLE = N_("Report builder")
MAX_GROUPS = 2
GROUPINGS = tuple(SIMPLE)  # besides topic:LEVEL and attr:CODE
MEASURE_KEYS = tuple(measures.MEASURES)
TOPIC_LEVELS = 3  # the levels the form offers (topic:N takes up to builder_groups.MAX_LEVEL)


class ReportSpec(BaseModel):
    """What a report definition holds: the saved filter's name (None: all inquiries), the groupings by name
    (builder_groups), the measures by key (builder_measures.MEASURES; the first is charted)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    filter: str | None = None
    groups: list[str] = Field(default_factory=lambda: ["topic"])
    measures: list[str] = Field(default_factory=lambda: ["count"])

    @field_validator("groups")
    @classmethod
    def _one_or_two(cls, groups: list[str]) -> list[str]:
        if not 1 <= len(groups) <= MAX_GROUPS or len(set(groups)) != len(groups):
            raise ValueError("one or two different groupings")
        return groups


def build_report(*, session: Session, actor: Actor, params: ReportParams, spec: ReportSpec, title: str = "",
                 owner_id: int | None = None, now: datetime | None = None,
                 progress: Progress | None = None) -> ReportTable:
    """The report `spec` asks for. The saved filter is the owner's (`owner_id`, for a shared definition),
    else the actor's own; "me" in it means the actor."""
    require(actor, Permission.REPORTS_READ)
    chosen = measures.checked(spec.measures)
    scope, now = resolve(session, params), now or utcnow()
    groups = [grouping(session, key, offset_minutes(scope.start)) for key in spec.groups]
    conditions, where = [], None
    if spec.filter:
        where = saved_filter(session, actor, owner_id, spec.filter)
        conditions = saved_filter_conditions(session, actor.login, where, now)
    source = joined(inquiries(scope, *(g.value.label(f"g{n}") for n, g in enumerate(groups)),
                              *measures.per_inquiry(measures.needs(chosen, "take"))), groups).where(*conditions)
    keys = [f"g{n}" for n in range(len(groups))]
    timed = [value for value in ("close", "take") if any(m.quantile and m.value == value for m in chosen)]
    phases = Phases(progress, 1 + len(timed))
    phases.step(_("Counting inquiries by {group}").format(group=", ".join(g.label for g in groups)))
    measured = source.subquery("measured")
    rows = session.execute(select(*(measured.c[k] for k in keys), *measures.sums(measured, now))
                           .group_by(*(measured.c[k] for k in keys))).all()
    quantiles: dict = {}  # (group values) | None -> value -> row of median, p90
    for value in timed:
        phases.step(_("Times to close") if value == "close" else _("Times to take"))
        for row in session.execute(percentiles(source, keys, value, measures.QUANTILES, overall=True)):
            quantiles.setdefault(None if row.overall else tuple(row[:len(keys)]), {})[value] = row
    phases.finish()
    table = _table(scope, spec, title, groups, chosen, rows, quantiles)
    # the groups' SQL values of each row (the table shows their labels), in the table's order
    table.drill = [drill_of(scope, groups, tuple(row[:len(groups)]), where, now) for row in _ordered(rows, groups)]
    return table


def _ordered(rows, groups: list[Grouping]) -> list:
    return sorted(rows, key=lambda r: tuple(g.order(r[n]) for n, g in enumerate(groups)))


def _table(scope: Scope, spec: ReportSpec, title: str, groups: list[Grouping], chosen: list[Measure], rows,
           quantiles: dict) -> ReportTable:
    shown_filter = spec.filter or _("all inquiries")
    table = ReportTable(name=f"builder:{title}" if title else "builder", title=title or _(TITLE),
                        params=described(scope) | {_("Saved filter"): shown_filter,
                                                   _("Grouped by"): ", ".join(g.label for g in groups)},
                        columns=_columns(groups, chosen), rows=[])
    width = len(groups)
    for row in _ordered(rows, groups):
        values = tuple(row[:width])
        sums = row._mapping
        table.rows.append([*(g.shown(v) for g, v in zip(groups, values, strict=True)),
                           *(m.cell(sums, quantiles.get(values, {})) for m in chosen)])
    totals = measures.added(rows)  # the sums over all groups; the percentiles over all inquiries
    table.totals = [None] * width + [m.cell(totals, quantiles.get(None, {})) for m in chosen]
    first = chosen[0].column()
    table.chart = Chart(_("{measure} by {group}").format(measure=first.label, group=", ".join(
        g.label.lower() for g in groups)), tuple(f"g{n}" for n in range(width)), first.key)
    return table


def _columns(groups: list[Grouping], chosen: list[Measure]) -> list[Column]:
    return [*(Column(f"g{n}", g.label, g.kind, Total.LABEL if n == 0 else Total.NONE)
              for n, g in enumerate(groups)), *(m.column() for m in chosen)]


def saved_filter(session: Session, actor: Actor, owner_id: int | None, name: str, /) -> InquiryFilter:
    """The owner's saved filter by name, read as the Queues tab saved it; for the actor's own definition also a
    filter shared with the actor's group (services/routing/saved_filters finds it: own first)."""
    if owner_id is None and actor.can(Permission.INQUIRIES_READ):
        return saved_filters.get_filter(session=session, actor=actor, name=name).where
    user_id = owner_id or actor.id or session.execute(
        select(col(User.id)).where(col(User.login) == actor.login)).scalar()
    return saved_filters.filter_of_user(session, user_id, name)


def grouping_choices(*, session: Session, actor: Actor) -> list[tuple[str, str]]:
    """(key, label in the user's language) of every grouping a form offers: the simple ones, the topic tree's
    first levels and each active attribute."""
    require(actor, Permission.REPORTS_READ)
    choices = [(key, _(label)) for key, (label, _build) in SIMPLE.items()]
    at = [key for key, _label in choices].index("topic") + 1
    choices[at:at] = [(f"topic:{n}", _("Topic, level {n}").format(n=n)) for n in range(1, TOPIC_LEVELS + 1)]
    attributes = session.execute(select(AttributeDef).where(col(AttributeDef.active).is_(True))
                                 .order_by(col(AttributeDef.code))).scalars()
    return choices + [(f"attr:{a.code}", _("Attribute: {name}").format(name=pick(a.labels, a.code)))
                      for a in attributes]


def measure_choices() -> list[tuple[str, str]]:
    """(key, label in the user's language) of every measure, in the order they are offered."""
    return [(key, _(m.label)) for key, m in measures.MEASURES.items()]


__all__ = ["GROUPINGS", "MAX_GROUPS", "MEASURE_KEYS", "ColumnKind", "ReportSpec", "build_report",
           "grouping_choices", "measure_choices", "saved_filter"]
