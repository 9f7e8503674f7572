"""RTF export: title, params and a bordered table (header repeated on each page, bold totals) for word processors.

Rendered from crmterm/templates/report.rtf.j2 by a Jinja2 environment whose `finalize` RTF-escapes every
value: rtfunicode turns `\\`, `{`, `}`, control characters and all non-ASCII text (Cyrillic) into `\\uN?`
escapes, so user data can never inject control words and the file itself is plain ASCII.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import jinja2
import rtfunicode  # noqa: F401  registers the "rtfunicode" codec

from crmterm.i18n import _, current_language
from crmterm.services.reports.exports_values import display_value, is_numeric, totals_cells
from crmterm.services.reports.report_table import Cell, Column, ReportTable

TEMPLATE = "report.rtf.j2"
# Windows language ids for \deflang, so a word processor spell-checks in the report's language
_LCIDS = {"en": 1033, "ru": 1049, "uk": 1058, "bg": 1026}
_TWIPS_PER_CM = 567
_MIN_WEIGHT, _MAX_WEIGHT, _MEASURED_ROWS = 4, 40, 500


@dataclass(frozen=True)
class _Page:
    """A4 in twips; wide tables (more than six columns) turn the page to landscape."""

    landscape: bool
    margin: int = 2 * _TWIPS_PER_CM

    @property
    def width(self) -> int:
        return 16838 if self.landscape else 11906

    @property
    def height(self) -> int:
        return 11906 if self.landscape else 16838

    @property
    def text_width(self) -> int:
        return self.width - 2 * self.margin


@dataclass(frozen=True)
class _RtfCell:
    text: str
    numeric: bool
    right: int  # the cell's right edge in twips from the left margin (\cellx)


def rtf_escape(value: object) -> str:
    """Text as RTF: line breaks as \\line, everything else a reader could take for markup as \\uN? escapes."""
    text = "" if value is None else str(value)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ").split("\n")
    return r"\line ".join(line.encode("rtfunicode").decode("ascii") for line in lines)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("crmterm", "templates"),
        autoescape=False,  # HTML escaping would be wrong here; finalize does the RTF escaping instead
        finalize=rtf_escape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _cell_edges(table: ReportTable, page: _Page) -> list[int]:
    """Right edges of the columns, each as wide as its longest text (within limits) scaled to the page."""
    weights = []
    for column in table.columns:
        texts = [column.label] + [display_value(column.kind, v)
                                  for v in table.column_values(column.key)[:_MEASURED_ROWS]]
        weights.append(max(_MIN_WEIGHT, min(_MAX_WEIGHT, max(len(t) for t in texts))))
    edges, used = [], 0
    for weight in weights:
        used += weight
        edges.append(round(page.text_width * used / sum(weights)))
    return edges


def _row(columns: list[Column], cells: list[Cell], edges: list[int]) -> list[_RtfCell]:
    return [_RtfCell(display_value(column.kind, cell), is_numeric(column), right)
            for column, cell, right in zip(columns, cells, edges, strict=True)]


def _table_rows(table: ReportTable, page: _Page) -> list[tuple[str, list[_RtfCell]]]:
    if not table.columns:
        return []
    edges = _cell_edges(table, page)
    header = [_RtfCell(c.label, is_numeric(c), right) for c, right in zip(table.columns, edges, strict=True)]
    rows = [("header", header)] + [("body", _row(table.columns, row, edges)) for row in table.rows]
    totals = totals_cells(table)
    return rows if totals is None else rows + [("totals", _row(table.columns, totals, edges))]


def render_rtf(table: ReportTable) -> bytes:
    page = _Page(landscape=len(table.columns) > 6)
    document = _environment().get_template(TEMPLATE).render(
        lcid=_LCIDS.get(current_language(), 1033),
        page=page,
        title=table.title,
        params=list(table.params.items()),
        table_rows=_table_rows(table, page),
        has_rows=bool(table.rows),
        no_rows=_("No data"),
    )
    return document.encode("ascii")  # rtf_escape leaves nothing outside ASCII
