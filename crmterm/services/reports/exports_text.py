"""CSV and JSON exports: plain data for scripts and spreadsheets, no display formatting."""

from __future__ import annotations

import csv
import io
import json

from crmterm.services.reports.exports_values import data_value, totals_cells
from crmterm.services.reports.report_table import Cell, Column, ReportTable


def _record(columns: list[Column], cells: list[Cell]) -> dict[str, object]:
    return {column.key: data_value(column.kind, cell) for column, cell in zip(columns, cells, strict=True)}


def _csv_row(columns: list[Column], cells: list[Cell]) -> list[object]:
    # None becomes an empty field; numbers keep Python's repr (dot decimal, no grouping)
    return ["" if value is None else value for value in _record(columns, cells).values()]


def render_csv(table: ReportTable) -> bytes:
    """UTF-8 with a BOM so spreadsheet programs detect the encoding; header, rows, then the totals row."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.label for column in table.columns])
    writer.writerows(_csv_row(table.columns, row) for row in table.rows)
    totals = totals_cells(table)
    if totals is not None:
        writer.writerow(_csv_row(table.columns, totals))
    return buffer.getvalue().encode("utf-8-sig")


def render_json(table: ReportTable) -> bytes:
    totals = totals_cells(table)
    document = {
        "name": table.name,
        "title": table.title,
        "params": dict(table.params),
        "columns": [{"key": c.key, "label": c.label, "kind": str(c.kind)} for c in table.columns],
        "rows": [_record(table.columns, row) for row in table.rows],
        "totals": None if totals is None else _record(table.columns, totals),
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
