"""The sales forecast as a chart (F on the pipeline): the open pipeline's amount weighted by stage probability,
one bar per month of expected close (in month order), per owner or per product (largest first); M, O and P
switch between them. The same numbers as `crmterm report forecast --by …` (services/sales/forecast)."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Label

from crmterm.errors import CrmError
from crmterm.i18n import N_, _, fmt_number
from crmterm.services.reports.report_table import Cell, ReportTable
from crmterm.services.sales import forecast
from crmterm.widgets.chrome import TranslatedFooter
from crmterm.widgets.host import CrmScreen
from crmterm.widgets.report_chart import BarChart

_HEADINGS = {"month": N_("Weighted pipeline by month of expected close"),
             "owner": N_("Weighted pipeline by owner"), "product": N_("Weighted pipeline by product")}


def _number(cell: Cell) -> float:
    return float(cell) if isinstance(cell, int | float) else 0.0


class ForecastChart(BarChart):
    """Bars in the order given: months read left to right in time, not by size."""

    def show_in_order(self, title: str, bars: list[tuple[str, float, str]]) -> None:
        super().show(title, bars)
        self.bars = list(bars)


class ForecastScreen(CrmScreen[None]):
    CSS_PATH = "sales.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", N_("Back"), id="forecast.back"),
        Binding("m", "group('month')", N_("By month"), id="forecast.month"),
        Binding("o", "group('owner')", N_("By owner"), id="forecast.owner"),
        Binding("p", "group('product')", N_("By product"), id="forecast.product"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.by = "month"

    def compose(self) -> ComposeResult:
        yield Label(_("Sales forecast: loading…"), id="forecast-title", markup=False)
        yield ForecastChart(id="forecast-chart")
        yield Label("", id="forecast-total", markup=False)
        yield TranslatedFooter()

    def on_mount(self) -> None:
        self._load()

    def action_group(self, by: str) -> None:
        self.by = by
        self._load()

    @work(thread=True, exclusive=True, group="forecast")
    def _load(self) -> None:
        try:
            table = self.app.gateway.call(forecast.forecast_report, by=self.by)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._loaded, table)

    def _loaded(self, table: ReportTable) -> None:
        bars = [(str(row[0]), _number(row[3]), fmt_number(round(_number(row[3])))) for row in table.rows]
        chart = self.query_one(ForecastChart)
        if self.by == "month":
            chart.show_in_order(_(_HEADINGS[self.by]), bars)
        else:
            chart.show(_(_HEADINGS[self.by]), bars)
        totals = table.totals or []
        self.query_one("#forecast-title", Label).update(_("Sales forecast · M month · O owner · P product"))
        self.query_one("#forecast-total", Label).update(_("Open pipeline {amount}, weighted {weighted}").format(
            amount=fmt_number(round(_number(totals[2] if len(totals) > 2 else 0))),
            weighted=fmt_number(round(_number(totals[3] if len(totals) > 3 else 0)))))
