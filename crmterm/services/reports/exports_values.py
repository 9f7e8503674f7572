"""How a ReportTable cell becomes a value in each family of export formats.

Data formats (CSV, JSON, XLSX cells) keep the raw value: numbers stay numbers, a percent stays a fraction,
dates become ISO text where the format has no date type. Display formats (HTML, RTF) show what a person
reads: grouped numbers in the current language, "42.0 %", localised dates. Screens (the Reports tab, the CLI's
table) show hours as durations with units. Keeping all three here makes every face agree on the column kinds.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeGuard

from babel.numbers import format_decimal

from crmterm.i18n import N_, _, current_language, fmt_date, fmt_datetime, fmt_duration
from crmterm.services.reports.report_table import Cell, Column, ColumnKind, ReportTable, Total

NUMERIC_KINDS = frozenset({ColumnKind.INT, ColumnKind.FLOAT, ColumnKind.PERCENT, ColumnKind.HOURS})
TOTAL_CAPTION = N_("Total")

# babel patterns and decimal places of the display formats; the percent sign follows a no-break space
_NUMBER_PATTERNS = {
    ColumnKind.INT: ("#,##0", 0),
    ColumnKind.FLOAT: ("#,##0.##", 2),
    ColumnKind.PERCENT: ("#,##0.0", 1),
    ColumnKind.HOURS: ("#,##0.0", 1),
}


def is_number(value: object) -> TypeGuard[int | float | Decimal]:
    """True for int/float/Decimal, not for bool (a bool in a numeric column is a bug upstream, shown as text)."""
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def is_finite_number(value: object) -> TypeGuard[int | float | Decimal]:
    return is_number(value) and math.isfinite(value)


def is_numeric(column: Column) -> bool:
    return column.kind in NUMERIC_KINDS


def data_value(kind: ColumnKind, value: Cell) -> str | int | float | None:
    """A JSON-native value: numbers as numbers (Decimal → float), dates as ISO 8601, the rest as text."""
    if value is None or is_number(value) and not is_finite_number(value):
        return None  # NaN/inf have no JSON or spreadsheet form; an empty cell says "no value" honestly
    if isinstance(value, Decimal):
        return int(value) if kind == ColumnKind.INT and value == value.to_integral_value() else float(value)
    if is_number(value) and not isinstance(value, Decimal):  # Decimal was handled above
        return value
    if isinstance(value, date):  # datetime is a date too; isoformat keeps the time and any offset
        return value.isoformat()
    return str(value)


def display_value(kind: ColumnKind, value: Cell) -> str:
    """What a reader sees in HTML/RTF: '' for None, numbers formatted for the current language."""
    if value is None or is_number(value) and not is_finite_number(value):
        return ""
    if kind in NUMERIC_KINDS and is_number(value):
        pattern, places = _NUMBER_PATTERNS[kind]
        shown = _rounded(value * 100 if kind == ColumnKind.PERCENT else value, places)
        text = format_decimal(shown, format=pattern, locale=current_language())
        return f"{text}\u00a0%" if kind == ColumnKind.PERCENT else text
    if isinstance(value, datetime):
        return fmt_datetime(value)
    if isinstance(value, date):
        return fmt_date(value)
    return str(value)


def screen_value(kind: ColumnKind, value: Cell) -> str:
    """What the Reports tab and the CLI's table show: as display_value, but hours as a duration with the
    language's units ("3:30", "1d 04h"), under the column's unit-less heading."""
    if kind == ColumnKind.HOURS and is_finite_number(value):
        return fmt_duration(timedelta(hours=float(value)), capped=False)
    return display_value(kind, value)


def _rounded(value: int | float | Decimal, places: int) -> Decimal:
    # half up, as a spreadsheet rounds: 1.25 h shows as 1.3 here and in the XLSX "0.0" format alike
    # (babel alone rounds half to even); str() first so 0.1 stays 0.1 rather than its binary expansion
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def totals_cells(table: ReportTable) -> list[Cell] | None:
    """The totals row with the caption filled in where the report left the LABEL column empty."""
    if table.totals is None:
        return None
    return [_(TOTAL_CAPTION) if value is None and column.total == Total.LABEL else value
            for column, value in zip(table.columns, table.totals, strict=True)]
