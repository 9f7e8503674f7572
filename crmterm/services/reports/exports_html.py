"""HTML export: one self-contained, printable page (inline CSS, no external assets) from a Jinja2 template.

The template lives in crmterm/templates/report.html.j2 and is rendered with autoescaping on, so customer
names or topic labels such as "<script>" arrive in the page as text, never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import jinja2
from markupsafe import Markup

from crmterm.i18n import _, current_language
from crmterm.services.reports.exports_svg import bar_chart_svg
from crmterm.services.reports.exports_values import display_value, is_numeric, totals_cells
from crmterm.services.reports.report_table import Cell, Column, ReportTable

TEMPLATE = "report.html.j2"


@dataclass(frozen=True)
class _Shown:
    """One cell as the template sees it: the text a reader sees and whether it aligns as a number."""

    text: str
    numeric: bool


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("crmterm", "templates"),
        autoescape=True,  # explicit rather than select_autoescape: the file ends in .j2, not .html
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _shown_row(columns: list[Column], cells: list[Cell]) -> list[_Shown]:
    return [_Shown(display_value(column.kind, cell), is_numeric(column))
            for column, cell in zip(columns, cells, strict=True)]


def render_html(table: ReportTable) -> bytes:
    totals = totals_cells(table)
    page = _environment().get_template(TEMPLATE).render(
        lang=current_language(),
        title=table.title,
        params=list(table.params.items()),
        columns=[_Shown(column.label, is_numeric(column)) for column in table.columns],
        rows=[_shown_row(table.columns, row) for row in table.rows],
        totals=None if totals is None else _shown_row(table.columns, totals),
        no_rows=_("No data"),
        chart=Markup(bar_chart_svg(table)),  # drawn by our code, every text in it escaped there
    )
    return page.encode("utf-8")
