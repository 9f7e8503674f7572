"""The HTML export's chart: a horizontal bar chart as inline SVG, drawn here (no JavaScript, no fonts or
files to fetch), so the page stays self-contained and printable. Every text is XML-escaped; the caller marks
the result safe for the template."""

from __future__ import annotations

from html import escape

from crmterm.services.reports.exports_values import display_value
from crmterm.services.reports.report_table import Cell, ReportTable

BAR, GAP, LABEL_WIDTH, BAR_WIDTH, VALUE_WIDTH, TOP = 18, 6, 260, 420, 90, 28
MAX_BARS = 200  # a longer report is a table to read, not a picture


def _length(cell: Cell) -> float:
    return float(cell) if isinstance(cell, int | float) and not isinstance(cell, bool) and cell > 0 else 0.0


def bar_chart_svg(table: ReportTable) -> str:
    """One bar per row of the table's chart value, labelled by its category columns ("Queue · Week");
    empty when the table has no chart or no rows."""
    spec = table.chart
    if spec is None or not table.rows:
        return ""
    keys = [column.key for column in table.columns]
    labels = [[keys.index(key)] for key in spec.categories]
    at = keys.index(spec.value)
    kind = table.columns[at].kind
    rows = table.rows[:MAX_BARS]
    largest = max((_length(row[at]) for row in rows), default=0.0) or 1.0
    width, height = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH, TOP + len(rows) * (BAR + GAP)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="system-ui, Arial, sans-serif" font-size="12">',
             f'<title>{escape(spec.title)}</title>',
             f'<text x="0" y="16" font-weight="bold" font-size="14">{escape(spec.title)}</text>']
    for number, row in enumerate(rows):
        y = TOP + number * (BAR + GAP)
        label = " · ".join(display_value(table.columns[i[0]].kind, row[i[0]]) for i in labels)
        length = round(_length(row[at]) / largest * BAR_WIDTH, 1)
        parts += [f'<text x="{LABEL_WIDTH - 6}" y="{y + 13}" text-anchor="end">{escape(label[:40])}</text>',
                  f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR}" fill="#4f81bd"/>',
                  f'<text x="{LABEL_WIDTH + length + 4}" y="{y + 13}">{escape(display_value(kind, row[at]))}</text>']
    parts.append("</svg>")
    return "\n".join(parts)
