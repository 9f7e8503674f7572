"""A query list's preview (Admin → Query lists, Ctrl+R): the definition as the form holds it, saved or not, run
for a sample customer the admin types, with its rows or the error an agent's form would show (a failure, a
timeout), and how long it took. Enter runs it again, Escape closes; the admin form keeps what was typed."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Label, Static

from crmterm.errors import CrmError
from crmterm.i18n import N_, _
from crmterm.services.topics import list_queries
from crmterm.services.topics.list_queries import ListPreview
from crmterm.widgets.host import CrmModal
from crmterm.widgets.safe_text import plain


class ListQueryPreviewScreen(CrmModal[None]):
    CSS_PATH = "list_query_preview.tcss"
    BINDINGS = [Binding("escape", "dismiss(None)", N_("Close"), id="listquery.close")]

    def __init__(self, values: dict, customer: str = "") -> None:
        super().__init__()
        self.values, self.customer = values, customer

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="list-preview"):
            yield Label(_("Preview: {code}").format(code=self.values.get("code") or _("new query list")),
                        classes="dialog-title", markup=False)
            yield Input(self.customer, id="sample-customer", placeholder=_("Sample customer number"),
                        compact=True, restrict=r"\d*")
            yield Static("", id="preview-status", markup=False)
            yield DataTable(id="preview-rows", cursor_type="row", zebra_stripes=True)
            yield Label(_("Enter: run, Escape: close"), classes="hint")

    def on_mount(self) -> None:
        table = self.query_one("#preview-rows", DataTable)
        table.add_column(_("Value"), key="value")
        table.add_column(_("Label"), key="label")
        self.query_one("#sample-customer", Input).focus()
        if self.customer:
            self.run_preview(self.customer)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.run_preview(event.value)

    @work(thread=True, exclusive=True, group="list-query-preview")
    def run_preview(self, customer: str) -> None:
        """Off the UI thread: the query is bounded in time, yet the dialog never waits for it."""
        self.app.call_from_thread(self._status, _("Running…"), False)
        try:
            found = self.app.gateway.call(list_queries.preview, values=self.values,
                                          customer_id=int(customer) if customer.strip() else None)
        except CrmError as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        self.app.call_from_thread(self._show, found)

    def _status(self, text: str, failed: bool) -> None:
        status = self.query_one("#preview-status", Static)
        status.update(text)
        status.set_class(failed, "-failed")

    def _failed(self, message: str) -> None:
        self.query_one("#preview-rows", DataTable).clear()
        self._status(message, True)

    def _show(self, found: ListPreview) -> None:
        table = self.query_one("#preview-rows", DataTable)
        table.clear()
        for value, label in found.rows:
            table.add_row(plain(value), plain(label))
        # the count alone: the time is in `crmterm listquery preview`, a slow list shows as an error here
        self._status(_("Rows: {n}").format(n=len(found.rows)) if found.rows else _("The list is empty"), False)
