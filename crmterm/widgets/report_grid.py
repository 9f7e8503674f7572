"""A finished report as a DataTable: its typed columns (numbers right-aligned and formatted per ColumnKind the
way the HTML and RTF exports show them, hours as durations with units), one row per report row, and a bold
totals row at the end. Each row keeps its index in the report, so Enter can find the row's drill-down key."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from crmterm.services.reports.exports_values import display_value, is_numeric, screen_value, totals_cells
from crmterm.services.reports.report_table import Cell, Column, ReportTable
from crmterm.widgets.safe_text import plain

TOTALS = "totals"


def cell_text(column: Column, value: Cell, style: str = "") -> Text:
    return plain(screen_value(column.kind, value), style=style, justify="right" if is_numeric(column) else "left",
                no_wrap=True)


class ReportGrid(DataTable):
    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.report: ReportTable | None = None

    def show(self, report: ReportTable) -> None:
        self.report = report
        self.clear(columns=True)
        for column in report.columns:
            heading = plain(column.shown_heading, justify="right" if is_numeric(column) else "left")
            self.add_column(heading, key=column.key)
        for index, row in enumerate(report.rows):
            self.add_row(*(cell_text(c, v) for c, v in zip(report.columns, row, strict=True)), key=str(index))
        totals = totals_cells(report) if report.rows else None
        if totals is not None:
            self.add_row(*(cell_text(c, v, "bold") for c, v in zip(report.columns, totals, strict=True)),
                         key=TOTALS)

    def shown_rows(self) -> list[list[str]]:
        """The cells as the user reads them, totals included (what the tests compare)."""
        return [[cell.plain for cell in self.get_row_at(index)] for index in range(self.row_count)]

    def drill_key(self, row_key: str | None) -> dict[str, Any] | None:
        """The drill-down key of a report row; None for the totals row or a row nothing stands behind."""
        if self.report is None or row_key is None or row_key == TOTALS:
            return None
        index = int(row_key)
        return self.report.drill[index] if index < len(self.report.drill) else None

    def row_label(self, row_key: str | None) -> str:
        """The row's text cells, e.g. "Billing › Disputed charge · disputed_charge", to title a drill-down."""
        if self.report is None or row_key is None or row_key == TOTALS:
            return ""
        row = self.report.rows[int(row_key)]
        return " · ".join(display_value(c.kind, v) for c, v in zip(self.report.columns, row, strict=True)
                          if not is_numeric(c) and v not in (None, ""))
