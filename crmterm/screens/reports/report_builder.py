"""The report builder (F8 on the Reports tab, or "Report builder" in the command palette there): the form on the
left (builder_form), the result on the right as a table with totals and a bar chart of the first measure.
Ctrl+R runs what the form says, Ctrl+S saves it under its name (the user's own; shared when ticked), Ctrl+E
exports the result (XLSX and HTML carry the chart), Ctrl+D deletes the chosen saved report, Enter on a row lists
the inquiries behind it (report_drill), Escape goes back.
Every service call runs in a worker; a refused value is shown under its field."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Select, Static

from crmterm.errors import CrmError, ValidationError
from crmterm.i18n import N_, _
from crmterm.screens.common.dialogs import ConfirmScreen
from crmterm.screens.reports.builder_form import BuilderChoices, BuilderForm
from crmterm.screens.reports.report_drill import ReportDrill
from crmterm.screens.reports.report_export import export_shown
from crmterm.services.reports import report_builder, report_definitions
from crmterm.services.reports.exports_values import display_value, screen_value
from crmterm.services.reports.report_table import Cell, ReportTable
from crmterm.services.routing import saved_filters
from crmterm.text import visible
from crmterm.widgets.chrome import TranslatedFooter
from crmterm.widgets.host import CrmScreen
from crmterm.widgets.report_chart import BarChart
from crmterm.widgets.report_grid import ReportGrid


def bars_of(table: ReportTable) -> list[tuple[str, float, str]]:
    """The table's chart as (label, length, value as shown) bars: one per row, labelled by its groups."""
    spec = table.chart
    if spec is None:
        return []
    keys = [column.key for column in table.columns]
    at, kind = keys.index(spec.value), table.columns[keys.index(spec.value)].kind
    groups = [keys.index(key) for key in spec.categories]
    return [(" · ".join(display_value(table.columns[i].kind, row[i]) for i in groups), _length(row[at]),
             screen_value(kind, row[at])) for row in table.rows]


def _length(cell: Cell) -> float:
    return float(cell) if isinstance(cell, int | float) else 0.0


class ReportBuilderScreen(CrmScreen[None]):
    CSS_PATH = "reports.tcss"
    BINDINGS = [
        Binding("ctrl+r", "run", N_("Run report"), id="report_builder.run", priority=True),
        Binding("ctrl+s", "save", N_("Save report"), id="report_builder.save", priority=True),
        # priority: a date field's own Ctrl+E (end of line) must not swallow the export
        Binding("ctrl+e", "export", N_("Export"), id="report_builder.export", priority=True),
        Binding("ctrl+d", "delete", N_("Delete saved report"), id="report_builder.delete", priority=True),
        Binding("escape", "close", N_("Back"), id="report_builder.close"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.table: ReportTable | None = None
        self.generation = 0  # answers to an older run are dropped
        self.export_format = "xlsx"

    def compose(self) -> ComposeResult:
        with Horizontal(id="report-builder"):
            yield BuilderForm(id="builder-form")
            with Vertical(id="builder-result"):
                yield Static(_("Report builder: choose groupings and measures, then press Ctrl+R."),
                             id="builder-title", markup=False)
                yield ReportGrid(id="builder-grid")
                yield BarChart(id="builder-chart")
        yield TranslatedFooter()

    @property
    def form(self) -> BuilderForm:
        return self.query_one(BuilderForm)

    def on_mount(self) -> None:
        self.query_one(ReportGrid).display = self.query_one(BarChart).display = False
        self._load_choices()
        self.query_one("#rb-group").focus()

    @work(thread=True, exclusive=True, group="builder-choices")
    def _load_choices(self) -> None:
        call = self.app.gateway.call
        try:
            choices = BuilderChoices(call(report_builder.grouping_choices), report_builder.measure_choices(),
                                     [f.name for f in call(saved_filters.list_filters)],
                                     call(report_definitions.list_definitions), self.app.actor.login)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self.form.fill, choices)

    @on(Select.Changed, "#rb-saved")
    def _saved_chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.form.load(event.value)

    def action_close(self) -> None:
        self.dismiss(None)

    # --- run ---------------------------------------------------------------------------------------------
    def action_run(self) -> None:
        self.form.clear_errors()
        try:
            spec, params = self.form.spec(), self.form.period()
        except ValidationError as error:
            self._refused(error)
            return
        self.generation += 1
        self.query_one("#builder-title", Static).update(_("Running the report…"))
        self._run(self.generation, spec, params, self.form.report_name())

    @work(thread=True, exclusive=True, group="builder-run")
    def _run(self, generation: int, spec, params, title: str) -> None:
        try:
            table = self.app.gateway.call(report_builder.build_report, params=params, spec=spec, title=title)
        except ValidationError as error:
            self.app.call_from_thread(self._refused, error)
            return
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._shown, generation, table)

    def _refused(self, error: ValidationError) -> None:
        self.query_one("#builder-title", Static).update(_("The report was not run: {error}").format(
            error=error.detail))
        if not self.form.show_error(error.field, error.detail):
            self.app.notify(str(error), severity="error", timeout=8)

    def _shown(self, generation: int, table: ReportTable) -> None:
        if generation != self.generation:
            return
        self.table = table
        lines = [table.title, " · ".join(f"{label}: {value}" for label, value in table.params.items())]
        if not table.rows:
            lines.append(_("Nothing in this period."))
        self.query_one("#builder-title", Static).update(visible("\n".join(lines)))
        grid = self.query_one(ReportGrid)
        grid.show(table)
        grid.display = True
        self.query_one(BarChart).show(table.chart.title if table.chart else "", bars_of(table))

    @on(DataTable.RowSelected, "#builder-grid")
    def _row_entered(self, event: DataTable.RowSelected) -> None:
        grid = self.query_one(ReportGrid)
        key = grid.drill_key(event.row_key.value)
        if key is None or self.table is None:
            self.app.notify(_("No list of inquiries stands behind this row"), severity="warning")
            return
        self.app.push_screen(ReportDrill(key, f"{self.table.title}: {grid.row_label(event.row_key.value)}"))

    # --- save and delete -----------------------------------------------------------------------------------
    def action_save(self) -> None:
        self.form.clear_errors()
        try:
            spec = self.form.spec()
        except ValidationError as error:
            self._refused(error)
            return
        self._save(self.form.report_name(), spec, self.form.shared())

    @work(thread=True, group="builder-save")
    def _save(self, name: str, spec, shared: bool) -> None:
        try:
            self.app.gateway.call(report_definitions.save_definition, name=name, spec=spec, shared=shared)
            found = self.app.gateway.call(report_definitions.list_definitions)
        except ValidationError as error:
            self.app.call_from_thread(self._refused, error)
            return
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._saved, name, found)

    def _saved(self, name: str, found) -> None:
        self.form.set_definitions(found)
        self.app.notify(_("Saved the report “{name}”.").format(name=name))

    def action_delete(self) -> None:
        chosen = self.query_one("#rb-saved", Select).value
        definition = self.form.definitions.get(chosen) if isinstance(chosen, str) else None
        if definition is None or definition.owner != self.app.actor.login:
            self.app.notify(_("Choose one of your saved reports first"), severity="warning")
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._delete(definition.name)
        self.app.push_screen(ConfirmScreen(_("Delete the report “{name}”?").format(name=definition.name)),
                             confirmed)

    @work(thread=True, group="builder-save")
    def _delete(self, name: str) -> None:
        try:
            self.app.gateway.call(report_definitions.delete_definition, name=name)
            found = self.app.gateway.call(report_definitions.list_definitions)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self.form.set_definitions, found)
        self.app.call_from_thread(self.app.notify, _("Deleted the report “{name}”.").format(name=name))

    # --- export ----------------------------------------------------------------------------------------------
    def action_export(self) -> None:
        if self.table is None:
            self.app.notify(_("Run a report first (Ctrl+R)"), severity="warning")
            return
        stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in self.form.report_name() or "report")
        export_shown(self, self.table, stem, self.export_format, self._remember_format)

    def _remember_format(self, fmt: str) -> None:
        self.export_format = fmt
