"""The one shape every report has: typed columns, rows, totals and a drill-down key per row.

Report services (crmterm/services/reports/reports*.py) build a ReportTable in SQL; exporters
(crmterm/services/reports/exports*.py), the CLI and the Reports tab only read it, so a new report needs no
change in any of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class ColumnKind(StrEnum):
    TEXT = "text"
    INT = "int"
    FLOAT = "float"
    PERCENT = "percent"  # a fraction 0..1, shown as 42.0 %
    HOURS = "hours"  # a duration in hours (float), e.g. median time to close
    DATE = "date"
    DATETIME = "datetime"


class Total(StrEnum):
    NONE = "none"
    SUM = "sum"
    LABEL = "label"  # the totals row's caption ("Total") goes here


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # already translated into the caller's language
    kind: ColumnKind = ColumnKind.TEXT
    total: Total = Total.NONE
    # the label where the values are read as durations with their units (the Reports tab, the CLI's table):
    # "Median time to close" over "1d 03h"; the exports keep numbers under `label`, which names the unit
    heading: str = ""

    @property
    def shown_heading(self) -> str:
        return self.heading or self.label


Cell = str | int | float | date | datetime | None


@dataclass(frozen=True)
class Chart:
    """A bar chart the exporters draw beside the table: one bar per row, labelled by the `categories`
    columns (two make a two-level axis), its length the `value` column."""

    title: str  # translated
    categories: tuple[str, ...]  # column keys
    value: str  # column key


@dataclass
class ReportTable:
    """A finished report. `rows[i]` has one cell per column; `drill[i]` says which inquiries stand behind
    row i (an InquiryFilter-like dict understood by reports.drill_down), or None when nothing does."""

    name: str  # topics | operators | repeats | sla | custom:<filter name>
    title: str  # translated
    params: dict[str, str]  # translated label -> shown value: period, filters; printed above the table
    columns: list[Column]
    rows: list[list[Cell]]
    totals: list[Cell] | None = None
    drill: list[dict[str, Any] | None] = field(default_factory=list)
    chart: Chart | None = None  # drawn by the XLSX and HTML exports (the report builder's reports)

    def column_values(self, key: str) -> list[Cell]:
        index = [c.key for c in self.columns].index(key)
        return [row[index] for row in self.rows]

    def as_records(self) -> list[dict[str, Cell]]:
        keys = [c.key for c in self.columns]
        return [dict(zip(keys, row, strict=True)) for row in self.rows]
