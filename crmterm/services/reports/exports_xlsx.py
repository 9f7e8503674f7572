"""XLSX export: one sheet with the title and params on top, then a typed table with a bold totals row.

Cells keep their types (numbers, Excel dates, fractions with a % format) so the sheet can be sorted,
filtered and summed; the header row is frozen and carries an autofilter over the data rows only, so
sorting never moves the totals row.
"""

from __future__ import annotations

import io
import re
from datetime import date

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from crmterm.i18n import _
from crmterm.services.reports.exports_values import (
    NUMERIC_KINDS,
    display_value,
    is_finite_number,
    is_number,
    is_numeric,
    totals_cells,
)
from crmterm.services.reports.report_table import Cell, Column, ColumnKind, ReportTable

NUMBER_FORMATS = {
    ColumnKind.INT: "#,##0",
    ColumnKind.FLOAT: "#,##0.00",
    ColumnKind.PERCENT: "0.0%",
    ColumnKind.HOURS: "0.0",
    ColumnKind.DATE: "yyyy-mm-dd",
    ColumnKind.DATETIME: "yyyy-mm-dd hh:mm",
}
# Excel renders a date in a fixed width; measuring the localised display text would over- or under-shoot
_DATE_WIDTHS = {ColumnKind.DATE: 12, ColumnKind.DATETIME: 17}
_MIN_WIDTH, _MAX_WIDTH, _MEASURED_ROWS = 6, 60, 2000
_HEADER_FILL = "#DCE6F1"
# Excel forbids these in sheet names and limits a name to 31 characters
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


class _Formats:
    """The workbook's cell formats, one per (column kind, bold) pair, created once."""

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self._workbook = workbook
        self._cache: dict[tuple[ColumnKind, bool], Format] = {}
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.param = workbook.add_format({"font_color": "#404040"})
        self.header = workbook.add_format({"bold": True, "bg_color": _HEADER_FILL, "bottom": 1,
                                           "text_wrap": True, "valign": "top"})

    def cell(self, kind: ColumnKind, *, bold: bool = False) -> Format:
        key = (kind, bold)
        if key not in self._cache:
            spec: dict[str, object] = {"num_format": NUMBER_FORMATS[kind]} if kind in NUMBER_FORMATS else {}
            if bold:
                spec.update(bold=True, top=1)
            self._cache[key] = self._workbook.add_format(spec)
        return self._cache[key]


def render_xlsx(table: ReportTable) -> bytes:
    buffer = io.BytesIO()
    # strings stay strings: a customer named "=HYPERLINK(…)" must not become a formula or a link
    options = {"in_memory": True, "remove_timezone": True, "strings_to_formulas": False,
               "strings_to_urls": False, "strings_to_numbers": False}
    workbook = xlsxwriter.Workbook(buffer, options)
    workbook.set_properties({"title": table.title})
    formats = _Formats(workbook)
    sheet = workbook.add_worksheet(_sheet_name(table.title))
    header_row = _write_heading(sheet, table, formats)
    if table.columns:
        _write_table(sheet, table, formats, header_row)
        _set_layout(sheet, table, header_row)
        if table.chart is not None and table.rows:
            _insert_chart(workbook, sheet, table, header_row)
    workbook.close()
    return buffer.getvalue()


def _sheet_name(title: str) -> str:
    name = _SHEET_NAME_FORBIDDEN.sub(" ", title).strip().strip("'")[:31].strip()
    return name or _("Report")


def _write_heading(sheet: Worksheet, table: ReportTable, formats: _Formats) -> int:
    """Title and one "label: value" line per param; returns the row index of the table header."""
    sheet.write_string(0, 0, table.title, formats.title)
    for offset, (label, value) in enumerate(table.params.items(), start=1):
        sheet.write_string(offset, 0, _("{label}: {value}").format(label=label, value=value), formats.param)
    return len(table.params) + 2  # a blank row between the params and the table


def _write_table(sheet: Worksheet, table: ReportTable, formats: _Formats, header_row: int) -> None:
    for col, column in enumerate(table.columns):
        sheet.write_string(header_row, col, column.label, formats.header)
    for offset, row in enumerate(table.rows, start=1):
        _write_row(sheet, header_row + offset, table.columns, row, formats, bold=False)
    totals = totals_cells(table)
    if totals is not None:
        _write_row(sheet, header_row + len(table.rows) + 1, table.columns, totals, formats, bold=True)


def _write_row(sheet: Worksheet, row: int, columns: list[Column], cells: list[Cell],
               formats: _Formats, *, bold: bool) -> None:
    for col, (column, value) in enumerate(zip(columns, cells, strict=True)):
        _write_cell(sheet, row, col, column.kind, value, formats.cell(column.kind, bold=bold))


def _write_cell(sheet: Worksheet, row: int, col: int, kind: ColumnKind, value: Cell, fmt: Format) -> None:
    if kind in NUMERIC_KINDS and is_finite_number(value):
        sheet.write_number(row, col, float(value), fmt)
    elif kind in (ColumnKind.DATE, ColumnKind.DATETIME) and isinstance(value, date):
        sheet.write_datetime(row, col, value, fmt)
    elif value is None or is_number(value) and not is_finite_number(value):  # None, NaN, inf: empty
        sheet.write_blank(row, col, None, fmt)
    else:  # text, or a value that does not fit its column's kind: show it rather than lose it
        sheet.write_string(row, col, str(value), fmt)


def _set_layout(sheet: Worksheet, table: ReportTable, header_row: int) -> None:
    last_row, last_col = header_row + len(table.rows), len(table.columns) - 1
    sheet.freeze_panes(header_row + 1, 0)
    sheet.autofilter(header_row, 0, last_row, last_col)
    for col, column in enumerate(table.columns):
        sheet.set_column(col, col, _column_width(column, table.column_values(column.key)))
    sheet.repeat_rows(header_row)
    sheet.fit_to_pages(1, 0)  # fit the width on a page, as many pages down as needed
    if len(table.columns) > 6:
        sheet.set_landscape()


def _insert_chart(workbook: xlsxwriter.Workbook, sheet: Worksheet, table: ReportTable, header_row: int) -> None:
    """A native bar chart of the chart's value per row, below the totals. The chart reads the cells, so
    sorting the data through the autofilter reorders its bars too."""
    spec = table.chart
    assert spec is not None  # checked by the caller
    keys = [column.key for column in table.columns]
    first, last = header_row + 1, header_row + len(table.rows)
    labels = _chart_labels(sheet, table, [keys.index(key) for key in spec.categories], first)
    value = keys.index(spec.value)
    chart = workbook.add_chart({"type": "bar"})
    chart.add_series({"name": table.columns[value].label, "categories": [sheet.name, first, labels, last, labels],
                      "values": [sheet.name, first, value, last, value], "fill": {"color": "#4F81BD"}})
    chart.set_title({"name": spec.title, "name_font": {"size": 11}})
    chart.set_legend({"none": True})
    chart.set_y_axis({"reverse": True})  # the first row at the top, as in the table
    chart.set_size({"width": 640, "height": min(1200, 120 + 18 * len(table.rows))})
    sheet.insert_chart(last + 3, 0, chart)


def _chart_labels(sheet: Worksheet, table: ReportTable, columns: list[int], first: int) -> int:
    """The column whose cells label the bars: the grouping's own, or for two groupings a hidden column beside
    the table joining them by formula ("Queue · 2026-03-02"), row by row, so it follows a sort of the table."""
    if len(columns) == 1:
        return columns[0]
    at = len(table.columns)
    for offset, row in enumerate(table.rows):
        parts = [_label_formula(table.columns[c].kind, xl_rowcol_to_cell(first + offset, c)) for c in columns]
        shown = " · ".join(display_value(table.columns[c].kind, row[c]) for c in columns)
        sheet.write_formula(first + offset, at, '&" · "&'.join(parts), None, shown)
    sheet.set_column(at, at, None, None, {"hidden": True})
    return at


def _label_formula(kind: ColumnKind, cell: str) -> str:
    if kind in NUMBER_FORMATS:  # numbers and dates: shown as the table shows them, not as serial numbers
        return f'TEXT({cell},"{NUMBER_FORMATS[kind]}")'
    return cell


def _column_width(column: Column, values: list[Cell]) -> int:
    if column.kind in _DATE_WIDTHS:
        content = _DATE_WIDTHS[column.kind]
    else:
        shown = (display_value(column.kind, v) for v in values[:_MEASURED_ROWS])
        content = max((len(text) for text in shown), default=0)
    # the header wraps, so a long label needs only about half its length; +2 leaves room for the filter button
    header = len(column.label) // 2 if len(column.label) > 24 else len(column.label)
    wanted = max(content + (2 if is_numeric(column) else 1), header + 2)
    return max(_MIN_WIDTH, min(_MAX_WIDTH, wanted))
