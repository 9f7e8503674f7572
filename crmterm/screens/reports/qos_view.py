"""Quality of service in the TUI (issue 27, item 5): per service contract, what was agreed against what
happened — a bar chart of agreed and actual hours side by side (F6 switches between response and
resolution) above the report's table with its breaches and credits owed (services/reports/reports_qos, the
same figures as `crmterm report qos`). The period is whole days, the last one included; left empty, each
contract's own start and today. Ctrl+R runs it again; a bad date shows under the period. Enter on a contract
lists its breached inquiries (Enter there opens one). Alt+Q from the workspace or the command palette; the
service checks reports.read."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Label, Static

from crmterm.errors import CrmError, ValidationError
from crmterm.i18n import N_, _
from crmterm.moments import check_moment
from crmterm.screens.reports.report_drill import ReportDrill
from crmterm.screens.reports.report_form import local_midnight
from crmterm.services.reports import reports_qos
from crmterm.services.reports.exports_values import screen_value
from crmterm.services.reports.report_table import Cell, ColumnKind, ReportTable
from crmterm.services.reports.reports_drill import DrillPage
from crmterm.widgets.chrome import TranslatedFooter
from crmterm.widgets.field_errors import clear_field_errors, show_field_error
from crmterm.widgets.host import CrmScreen
from crmterm.widgets.report_chart import BarChart
from crmterm.widgets.report_grid import TOTALS, ReportGrid

# measure -> (its heading, the columns of the agreed and the actual hours)
MEASURES = {"response": (N_("Response: agreed and actual, hours"), "response_agreed", "response_actual"),
            "resolution": (N_("Resolution: agreed and actual, hours"), "resolution_agreed", "resolution_actual")}


def typed_day(text: str, field: str) -> date | None:
    """A day typed as 2026-03-01, or None for an empty field."""
    if not text.strip():
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(field, _("expected a date like 2026-03-01")) from None
    check_moment(day, field)
    return day


def period(first_text: str, last_text: str) -> tuple[datetime | None, datetime | None]:
    """The report's start and end: the first day's local midnight, the midnight after the last day."""
    first, last = typed_day(first_text, "from"), typed_day(last_text, "to")
    if first and last and last < first:
        raise ValidationError("to", _("the period ends before it starts"))
    return (local_midnight(first) if first else None,
            local_midnight(last + timedelta(days=1)) if last else None)


def qos_bars(table: ReportTable, measure: str) -> list[tuple[str, float, str]]:
    """Two bars per contract, agreed then actual, in the report's order (pairs stay side by side)."""
    keys = [column.key for column in table.columns]
    _heading, agreed_key, actual_key = MEASURES[measure]
    code_at, agreed_at, actual_at = keys.index("contract"), keys.index(agreed_key), keys.index(actual_key)
    bars = []
    for row in table.rows:
        for label, cell in ((_("agreed"), row[agreed_at]), (_("actual"), row[actual_at])):
            bars.append((f"{row[code_at]} {label}", _hours(cell), screen_value(ColumnKind.HOURS, cell) or "—"))
    return bars


def _hours(cell: Cell) -> float:
    return float(cell) if isinstance(cell, int | float) else 0.0


class QosBreaches(ReportDrill):
    """The report drill's list, filled with one contract's breached inquiries in one go."""

    def __init__(self, contract: str, start: datetime | None, end: datetime | None) -> None:
        super().__init__({}, _("Breaches of {contract}").format(contract=contract))
        self.contract, self.start, self.end = contract, start, end

    @work(thread=True, exclusive=True, group="report-drill")
    def _fetch(self, after: list | None) -> None:
        try:
            rows = self.app.gateway.call(reports_qos.qos_breaches, contract=self.contract, start=self.start,
                                         end=self.end)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._loaded, DrillPage(rows=rows, cursor=None))


class QosScreen(CrmScreen[None]):
    CSS_PATH = "qos_view.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", N_("Back"), id="qos.back"),
        Binding("ctrl+r", "run", N_("Run report"), id="qos.run"),
        Binding("f6", "measure", N_("Response / resolution"), id="qos.measure"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.measure = "response"
        self.table: ReportTable | None = None
        self.period: tuple[datetime | None, datetime | None] = (None, None)  # what the shown table was run for

    def compose(self) -> ComposeResult:
        yield Label(_("Quality of service: loading…"), id="qos-title", markup=False)
        with Horizontal(id="qos-period"):
            yield Label(_("From"), classes="qos-period-label")
            yield Input(id="qos-from", placeholder=_("YYYY-MM-DD"), compact=True)
            yield Label(_("To (included)"), classes="qos-period-label")
            yield Input(id="qos-to", placeholder=_("YYYY-MM-DD"), compact=True)
        yield Static("", id="qos-e-from", classes="field-error", markup=False)
        yield Static("", id="qos-e-to", classes="field-error", markup=False)
        yield BarChart(id="qos-chart")
        yield ReportGrid(id="qos-grid")
        yield TranslatedFooter()

    def on_mount(self) -> None:
        self.query_one(ReportGrid).focus()
        self.action_run()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_run()

    def action_run(self) -> None:
        clear_field_errors(self)
        try:
            start, end = period(self.query_one("#qos-from", Input).value, self.query_one("#qos-to", Input).value)
        except ValidationError as error:
            self._failed(error)
            return
        self._load(start, end)

    @on(DataTable.RowSelected, "#qos-grid")
    def _breaches(self, event: DataTable.RowSelected) -> None:
        key = event.row_key.value
        if self.table is not None and key not in (None, TOTALS):
            self.app.push_screen(QosBreaches(str(self.table.rows[int(key)][0]), *self.period))

    def action_measure(self) -> None:
        self.measure = "resolution" if self.measure == "response" else "response"
        self._draw_chart()

    @work(thread=True, exclusive=True, group="qos")
    def _load(self, start: datetime | None, end: datetime | None) -> None:
        try:
            table = self.app.gateway.call(reports_qos.qos_report, start=start, end=end)
        except CrmError as error:
            self.app.call_from_thread(self._failed, error)
            return
        self.app.call_from_thread(self._loaded, table, (start, end))

    def _loaded(self, table: ReportTable, asked: tuple[datetime | None, datetime | None]) -> None:
        self.table, self.period = table, asked
        self.query_one(ReportGrid).show(table)
        self.query_one("#qos-title", Label).update(
            f"{_(reports_qos.TITLE)} · {_('Ctrl+R run · F6 response or resolution')}")
        self._draw_chart()

    def _draw_chart(self) -> None:
        if self.table is not None:
            self.query_one(BarChart).show(_(MEASURES[self.measure][0]), qos_bars(self.table, self.measure),
                                          in_order=True)

    def _failed(self, error: CrmError) -> None:
        """A bad day under the period; anything else (no permission, the database) as a notice."""
        field = getattr(error, "field", None)
        if field not in ("from", "to") or not show_field_error(self, f"qos-e-{field}", getattr(error, "detail", "")):
            self.app.notify(str(error), severity="error", timeout=8)
