"""What the report builder measures per group. Every measure is read off one grouped row of sums
(`sums`), or off the percentiles of a per-inquiry value (`quantile`); the totals row is computed the same way
from the sums over all groups and from the percentiles over all inquiries, never by averaging the groups.

Definitions (as in reports_topics and reports_sla): open / closed by the state now; overdue = open with a
deadline passed; closed at first contact = closed within a second of creation (the registration closed it),
as a share of all; time to close = closed_at − created_at of the closed ones; time to take = hours from
creation to the first `taken` event of those taken at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Float, case, cast, func, literal, null, select
from sqlalchemy.sql import ColumnElement
from sqlmodel import col

from crmterm.errors import ValidationError
from crmterm.i18n import N_, _
from crmterm.services.reports.report_table import Cell, Column, ColumnKind, Total
from crmterm.services.reports.reports_sql import MEDIAN, P90, average, hours_between, in_hours, share
from crmterm.store import Inquiry, InquiryEvent
from crmterm.workflow.engine import OPEN, State

FIRST_CONTACT_HOURS = 1 / 3600


@dataclass(frozen=True)
class Measure:
    key: str
    label: str  # N_()
    kind: ColumnKind
    total: Total = Total.NONE
    heading: str = ""  # N_(): the label over values shown as durations
    value: str | None = None  # the per-inquiry value a percentile is taken of: "close" or "take"
    quantile: str | None = None  # "median" | "p90"

    def column(self) -> Column:
        return Column(self.key, _(self.label), self.kind, self.total, _(self.heading) if self.heading else "")

    def cell(self, sums, quantiles) -> Cell:
        """This measure from a row of SUMS (or the totals' sums) and the percentiles of its group."""
        if self.quantile is not None:
            found = quantiles.get(self.value)
            return None if found is None else in_hours(getattr(found, self.quantile))
        if self.key == "first_contact":
            return share(sums["first_contact"], sums["count"])
        if self.key.startswith("avg_"):
            return average(sums[f"{self.value}_hours"], sums[f"{self.value}_n"])
        return sums[self.key]


def _hours_measures(value: str, noun: str, verb: str) -> list[Measure]:
    return [Measure(f"avg_{value}", f"Average time to {verb}, h", ColumnKind.HOURS,
                    heading=f"Average time to {verb}", value=value),
            Measure(f"p50_{value}", f"Median time to {verb}, h", ColumnKind.HOURS,
                    heading=f"Median time to {verb}", value=value, quantile="median"),
            Measure(f"p90_{value}", f"90% {noun} within, h", ColumnKind.HOURS, heading=f"90% {noun} within",
                    value=value, quantile="p90")]


MEASURES: dict[str, Measure] = {m.key: m for m in (
    Measure("count", N_("Inquiries"), ColumnKind.INT, Total.SUM),
    Measure("open", N_("Open"), ColumnKind.INT, Total.SUM),
    Measure("closed", N_("Closed"), ColumnKind.INT, Total.SUM),
    Measure("overdue", N_("Open, overdue"), ColumnKind.INT, Total.SUM),
    Measure("first_contact", N_("Closed at first contact"), ColumnKind.PERCENT),
    *_hours_measures("take", "taken", "take"),
    *_hours_measures("close", "closed", "close"),
)}
# the labels above are built from parts; these lines give the translators the whole texts
_TEXTS = (N_("Average time to take, h"), N_("Average time to take"), N_("Median time to take, h"),
          N_("Median time to take"), N_("90% taken within, h"), N_("90% taken within"),
          N_("Average time to close, h"), N_("Average time to close"), N_("Median time to close, h"),
          N_("Median time to close"), N_("90% closed within, h"), N_("90% closed within"))
QUANTILES = (MEDIAN, P90)


def needs(measures: list[Measure], value: str) -> bool:
    return any(m.value == value for m in measures)


def per_inquiry(take: bool) -> list[ColumnElement]:
    """The per-inquiry columns the sums and percentiles read: state, deadline, hours to close, hours to take
    (the first `taken` event is a subquery per inquiry, so only when a measure asks for it)."""
    closed = col(Inquiry.state) == State.CLOSED
    close_hours = case((closed, hours_between(Inquiry.created_at, Inquiry.closed_at)))
    first_taken = (select(func.min(InquiryEvent.at)).where(col(InquiryEvent.inquiry_id) == Inquiry.id,
                                                            col(InquiryEvent.kind) == "taken").scalar_subquery())
    take_hours = hours_between(Inquiry.created_at, first_taken) if take else cast(null(), Float)  # typed NULL
    return [col(Inquiry.state).label("state"), col(Inquiry.due_at).label("due_at"), close_hours.label("close"),
            take_hours.label("take")]


def sums(source, now: datetime) -> list[ColumnElement]:
    """The grouped sums every measure is read from (cheap: one pass over the group's rows)."""
    state, is_open = source.c.state, source.c.state.in_(sorted(OPEN))

    def counted(condition) -> ColumnElement:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    return [func.count().label("count"), counted(is_open).label("open"),
            counted(state == State.CLOSED).label("closed"),
            counted(is_open & (source.c.due_at < literal(now))).label("overdue"),
            counted(source.c.close <= FIRST_CONTACT_HOURS).label("first_contact"),
            func.sum(source.c.close).label("close_hours"), func.count(source.c.close).label("close_n"),
            func.sum(source.c.take).label("take_hours"), func.count(source.c.take).label("take_n")]


SUMMED = ("count", "open", "closed", "overdue", "first_contact", "close_hours", "close_n", "take_hours", "take_n")


def added(rows) -> dict:
    """The sums over all groups: the totals row's sums."""
    return {key: sum((getattr(row, key) or 0) for row in rows) for key in SUMMED}


def checked(keys) -> list[Measure]:
    keys = list(dict.fromkeys(keys or ["count"]))
    unknown = [k for k in keys if k not in MEASURES]
    if unknown:
        raise ValidationError("measures", _("unknown measure '{measure}'; known: {choices}").format(
            measure=unknown[0], choices=", ".join(MEASURES)))
    return [MEASURES[k] for k in keys]
