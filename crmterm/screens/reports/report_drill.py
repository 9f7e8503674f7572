"""The inquiries behind one report row (reports.drill_down), oldest first, by keyset pages of 50: the next page
loads as the cursor nears the bottom (Page Down, End), never the whole set at once. Enter opens an inquiry on
the inquiry screen, as the Queues tab does; Escape goes back to the report."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from crmterm.errors import CrmError
from crmterm.i18n import N_, _, fmt_datetime
from crmterm.screens.inquiry.inquiry_view import InquiryScreen
from crmterm.services.inquiries.inquiry_log import state_label
from crmterm.services.reports import reports
from crmterm.services.reports.reports_drill import PAGE, DrillPage, DrillRow
from crmterm.text import visible
from crmterm.widgets.chrome import TranslatedFooter
from crmterm.widgets.host import CrmModal
from crmterm.widgets.safe_text import plain

COLUMNS = (("id", N_("#")), ("created", N_("Registered")), ("topic", N_("Topic")), ("customer", N_("Customer")),
           ("state", N_("State")), ("queue", N_("Queue")), ("step", N_("Step")), ("assignee", N_("Assignee")),
           ("due", N_("Deadline")), ("closed", N_("Closed")))
NEAR_THE_END = 5  # rows from the bottom at which the next page is asked for


def _when(moment: datetime | None) -> str:
    return fmt_datetime(moment.astimezone()) if moment is not None else "—"


class ReportDrill(CrmModal[None]):
    CSS_PATH = "reports.tcss"
    page_size = PAGE
    BINDINGS = [Binding("escape", "dismiss(None)", N_("Back to the report"), id="report_drill.close")]

    def __init__(self, key: dict[str, Any], caption: str) -> None:
        super().__init__()
        self.key, self.caption = key, caption
        self.cursor: list | None = None  # the next page's keyset cursor; None: no more, or one is loading
        self.finished = False  # the last page is in

    def compose(self) -> ComposeResult:
        with Vertical(id="report-drill"):
            yield Static(visible(self.caption), id="report-drill-title", markup=False)
            yield Static(_("Loading…"), id="report-drill-count", markup=False)
            yield DataTable(id="report-drill-rows", cursor_type="row", zebra_stripes=True)
        yield TranslatedFooter()

    @property
    def table(self) -> DataTable:
        return self.query_one("#report-drill-rows", DataTable)

    def on_mount(self) -> None:
        for key, label in COLUMNS:
            self.table.add_column(plain(_(label), justify="right" if key == "id" else "left"), key=key)
        self.table.focus()
        self._fetch(None)

    @work(thread=True, exclusive=True, group="report-drill")
    def _fetch(self, after: list | None) -> None:
        try:
            page = self.app.gateway.call(reports.drill_down, report_row_key=self.key, after=after,
                                          limit=self.page_size)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._loaded, page)

    def _loaded(self, page: DrillPage) -> None:
        for row in page.rows:
            if str(row.id) not in self.table.rows:  # keyset pages never overlap; guard anyway
                self.table.add_row(*self._cells(row), key=str(row.id))
        self.cursor, self.finished = page.cursor, page.cursor is None
        shown = _("Inquiries: {n}").format(n=self.table.row_count) + ("" if self.finished else "+")
        self.query_one("#report-drill-count", Static).update(
            shown + " · " + _("Enter opens an inquiry · Page Down loads more · Escape goes back"))
        self._next_page_if_near_the_end()

    @staticmethod
    def _cells(row: DrillRow) -> tuple:
        return (plain(str(row.id), justify="right"), plain(_when(row.created_at)), plain(row.topic),
                plain(row.customer or _("Anonymous caller")), plain(state_label(row.state)), plain(row.queue or ""),
                plain(row.step or ""), plain(row.assignee or ""), plain(_when(row.due_at)),
                plain(_when(row.closed_at) if row.closed_at else ""))

    @on(DataTable.RowHighlighted, "#report-drill-rows")
    def _highlighted(self) -> None:
        self._next_page_if_near_the_end()

    def _next_page_if_near_the_end(self) -> None:
        near = self.table.row_count and self.table.cursor_row >= self.table.row_count - NEAR_THE_END
        if self.cursor is not None and near:
            after, self.cursor = self.cursor, None  # one page request at a time
            self._fetch(after)

    @on(DataTable.RowSelected, "#report-drill-rows")
    def _entered(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:  # every row is keyed by its inquiry id
            self.app.push_screen(InquiryScreen(int(event.row_key.value)))

    def ids(self) -> list[int]:
        return [int(key.value) for key in self.table.rows if key.value is not None]
