"""Reports tab (supervisors, admins, auditors): the parameters form on the left (report_form); on the right the
result as a table with its totals row, a bar chart of the main count per topic / operator / group, and a
sparkline of the inquiries registered each day of the period. Ctrl+R runs the report in a worker (a bad value
is shown under its field, the form keeps what was typed); Enter on a row lists the inquiries behind it
(report_drill); Ctrl+E exports the result through services/reports/exports in a worker (report_export)."""

from __future__ import annotations

from datetime import date

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, Static

from crmterm.errors import CrmError, ValidationError
from crmterm.i18n import N_, _
from crmterm.screens.reports.report_drill import ReportDrill
from crmterm.screens.reports.report_export import export_shown
from crmterm.screens.reports.report_form import PERIODS, ReportChoices, ReportForm, ReportRequest
from crmterm.services.accounts import users
from crmterm.services.directory import directory
from crmterm.services.reports import reports
from crmterm.services.reports.exports_values import display_value, screen_value
from crmterm.services.reports.report_table import Cell, ColumnKind, ReportTable
from crmterm.services.reports.reports_daily import daily_counts
from crmterm.services.routing import saved_filters
from crmterm.services.topics import topics
from crmterm.text import visible
from crmterm.widgets.host import WidgetPart
from crmterm.widgets.report_chart import BarChart, DailySparkline, daily_caption
from crmterm.widgets.report_grid import ReportGrid

# report -> (column of the bars' labels, column of their values): the count a picture reads best
CHARTED = {"topics": ("topic", "registered"), "operators": ("operator", "registered"), "custom": ("group", "inquiries")}
_DIRECTORY_FILTERS = (("place", "places"), ("channel", "channels"), ("queue", "queues"),
                      ("category", "client_categories"))


def chart_of(table: ReportTable) -> tuple[str, list[tuple[str, float, str]]]:
    """The bar chart's title and (label, value, value as shown) bars; no bars for reports without one."""
    spec = CHARTED.get(table.name.partition(":")[0])
    if spec is None or not table.rows:
        return "", []
    keys = [column.key for column in table.columns]
    label_at, value_at = keys.index(spec[0]), keys.index(spec[1])
    label_column, value_column = table.columns[label_at], table.columns[value_at]
    if label_column.kind != ColumnKind.TEXT:
        return "", []  # grouped by day: the sparkline below draws the days in their order
    bars = [(_short(display_value(label_column.kind, row[label_at])), _measure(row[value_at]),
             screen_value(value_column.kind, row[value_at])) for row in table.rows]
    title = _("{measure} by {group}").format(measure=value_column.shown_heading, group=label_column.label.lower())
    return title, bars


def _measure(cell: Cell) -> float:
    """A bar's length: the cell of a counted or summed column (empty: 0; a date measures nothing)."""
    return 0.0 if isinstance(cell, date) else float(cell or 0)


def _short(label: str) -> str:
    """A topic's own name without its groups ("Billing › Refund" → "Refund"): a chart label is narrow, and
    cutting the path's end would make two topics of one group look the same."""
    return label.rsplit(" › ", 1)[-1]


class ReportsPanel(Horizontal, WidgetPart):  # WidgetPart after Horizontal, whose CSS the panel keeps
    BINDINGS = [
        Binding("ctrl+r", "run", N_("Run report"), id="reports.run"),
        # priority: a date field's own Ctrl+E (end of line) must not swallow the export
        Binding("ctrl+e", "export", N_("Export"), id="reports.export", priority=True),
        # the form's hint names the period keys; the footer has no room for them
        Binding("f5", "period('this_month')", N_("This month"), id="reports.this_month", show=False),
        Binding("f6", "period('last_month')", N_("Last month"), id="reports.last_month", show=False),
        Binding("f7", "period('last_7_days')", N_("Last 7 days"), id="reports.last_7_days", show=False),
        Binding("f8", "builder", N_("Report builder"), id="reports.builder", show=False),
    ]

    def __init__(self, state: dict | None = None) -> None:
        super().__init__(id="reports-panel")
        self.initial = state
        self.generation = 0  # answers to an older run are dropped
        self.request: ReportRequest | None = None  # what the shown result was asked with
        self.table: ReportTable | None = None
        self.days: list[tuple[date, int]] = []
        self.export_format = "xlsx"

    def compose(self) -> ComposeResult:
        yield ReportForm(state=self.initial, id="report-form")
        with Vertical(id="report-result"):
            yield Static(_("Choose a report and a period, then press Ctrl+R."), id="report-title", markup=False)
            yield ReportGrid(id="report-grid")
            yield BarChart(id="report-chart")
            yield Static("", id="report-daily-title", markup=False)
            yield DailySparkline(id="report-daily")

    @property
    def form(self) -> ReportForm:
        return self.query_one(ReportForm)

    @property
    def grid(self) -> ReportGrid:
        return self.query_one(ReportGrid)

    def on_mount(self) -> None:
        for widget in (self.grid, self.query_one(BarChart), self.query_one(DailySparkline)):
            widget.display = False  # until there is a result
        self.load_choices()

    def shown(self) -> None:
        """The tab came up: the result when there is one, else the form."""
        (self.grid if self.grid.row_count else self.query_one("#rf-report")).focus(scroll_visible=False)

    def state(self) -> dict:
        return self.form.state() | {"ran": self.table is not None}

    # --- the lists of the form, once ---------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="report-choices")
    def load_choices(self) -> None:
        filters = {key: [(e.label, e.key) for e in self._quietly(directory.list_entries, kind=kind)]
                   for key, kind in _DIRECTORY_FILTERS}
        filters["topic"] = [("  " * t.depth + f"{t.short_path} {t.label}", t.code)
                            for t in self._quietly(topics.topic_tree)]
        filters["operator"] = [(f"{u.display_name or u.login} ({u.login})", u.login)
                               for u in self._quietly(users.list_users)]
        saved = [f.name for f in self._quietly(saved_filters.list_filters)]
        self.app.call_from_thread(self._choices_loaded, ReportChoices(filters, saved))

    def _choices_loaded(self, choices: ReportChoices) -> None:
        self.form.fill(choices)
        if (self.initial or {}).get("ran") and self.table is None:
            self.action_run()  # shown before a language switch: again, in the new language

    def _quietly(self, service, **options) -> list:
        """A list the form offers; without it (no permission, an error) the list stays empty."""
        try:
            return self.app.gateway.call(service, **options)
        except CrmError:
            return []

    # --- running ---------------------------------------------------------------------------------------
    def action_run(self) -> None:
        self.form.clear_errors()
        try:
            request = self.form.request()
        except ValidationError as error:
            self._failed(self.generation, error)
            return
        self.generation += 1
        self.query_one("#report-title", Static).update(_("Running the report…"))
        self._run(self.generation, request)

    @on(Button.Pressed, "#rf-run")
    @on(Input.Submitted, "#rf-from, #rf-to, #rf-days")
    def _run_from_the_form(self, event) -> None:
        event.stop()
        self.action_run()

    @work(thread=True, exclusive=True, group="report-run")
    def _run(self, generation: int, request: ReportRequest) -> None:
        def progress(done: int, total: int, label: str) -> None:  # each SQL statement as it starts
            self.app.call_from_thread(self._progress, generation, done, total, label)

        try:
            table = self.app.gateway.call(reports.run, name=request.name, params=request.params, progress=progress,
                                          **request.options)
            days = self.app.gateway.call(daily_counts, params=request.params)
        except CrmError as error:
            self.app.call_from_thread(self._failed, generation, error)
            return
        self.app.call_from_thread(self._shown, generation, request, table, days)

    def _progress(self, generation: int, done: int, total: int, label: str) -> None:
        if generation == self.generation and label:
            self.query_one("#report-title", Static).update(f"{label}… ({done + 1}/{total})")

    def _failed(self, generation: int, error: CrmError) -> None:
        if generation != self.generation:
            return
        field = error.field if isinstance(error, ValidationError) else None
        message = error.detail if isinstance(error, ValidationError) and field else str(error)
        self.query_one("#report-title", Static).update(_("The report was not run: {error}").format(error=message))
        if not self.form.show_error(field, message):
            self.app.notify(str(error), severity="error", timeout=8)

    def _shown(self, generation: int, request: ReportRequest, table: ReportTable,
               days: list[tuple[date, int]]) -> None:
        if generation != self.generation:
            return
        self.request, self.table, self.days = request, table, days
        lines = [table.title, " · ".join(f"{label}: {value}" for label, value in table.params.items())]
        if not table.rows:
            lines.append(_("Nothing in this period."))
        self.query_one("#report-title", Static).update(visible("\n".join(lines)))
        self.grid.show(table)
        self.grid.display = True
        title, bars = chart_of(table)
        self.query_one(BarChart).show(title, bars)
        # with a chart the table takes what its rows need, up to half the height; without, all there is
        self.query_one("#report-result").set_class(bool(bars), "-charted")
        self.query_one("#report-daily-title", Static).update(daily_caption(days))
        sparkline = self.query_one(DailySparkline)
        sparkline.display = bool(days)
        sparkline.show_days(days)
        if table.rows:
            self.grid.focus()

    def action_builder(self) -> None:
        from crmterm.screens.reports.report_builder import ReportBuilderScreen

        self.app.push_screen(ReportBuilderScreen())

    def action_period(self, which: str) -> None:
        self.form.set_period(*PERIODS[which](date.today()))

    # --- the inquiries behind a row ----------------------------------------------------------------------
    @on(DataTable.RowSelected, "#report-grid")
    def _row_entered(self, event: DataTable.RowSelected) -> None:
        key = self.grid.drill_key(event.row_key.value)
        if key is None or self.table is None:  # the totals (a row is there only once a report has run)
            self.app.notify(_("Open one of the rows above the totals to see its inquiries"), severity="warning")
            return
        caption = f"{self.table.title}: {self.grid.row_label(event.row_key.value)}"
        self.app.push_screen(ReportDrill(key, caption))

    # --- export ----------------------------------------------------------------------------------------
    def action_export(self) -> None:
        if self.table is None or self.request is None:
            self.app.notify(_("Run a report first (Ctrl+R)"), severity="warning")
            return
        export_shown(self, self.table, self.request.file_stem, self.export_format, self._remember_format)

    def _remember_format(self, fmt: str) -> None:
        self.export_format = fmt
