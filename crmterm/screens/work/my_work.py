"""The My work tab (issue 24, item 6): held inquiries, inquiries whose customer's e-mail awaits a reply, due
callbacks and open tasks in one list, most urgent first (services/work/my_work; bounded, loaded in a worker
whenever the tab is shown or F5 is pressed).

Enter opens the inquiry of the row. On a callback, Enter makes the call count: the outbound phone contact is
registered at once and its inquiry opens — an agent calling back expects the call logged without typing the
customer, number and channel again, and keeps working in the inquiry. A callback about an open inquiry adds the
contact to it; one without asks for the topic of the call first (the code or number as in Register). D marks
a task done."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from crmterm.errors import CrmError
from crmterm.i18n import N_, _, fmt_datetime
from crmterm.screens.common.dialogs import PromptScreen
from crmterm.screens.inquiry.inquiry_view import InquiryScreen
from crmterm.services.work import callback_done, my_work, tasks
from crmterm.services.work.my_work import KIND_LABELS, WorkItem
from crmterm.text import visible
from crmterm.widgets.host import CrmWidget
from crmterm.widgets.layout import shown_columns

WHAT_WIDTH, CUSTOMER_WIDTH = 28, 14  # the five columns fit 80 columns; the full text is in the inquiry
# key: (title, width): fixed widths, so the header never lags behind rows that widened a column. Which are shown
# and in what order is the user's (services/accounts/workspace LISTS["work"])
COLUMNS = {"kind": (N_("Kind"), 9), "id": ("#", 4), "what": (N_("What"), WHAT_WIDTH),
           "customer": (N_("Customer"), CUSTOMER_WIDTH), "deadline": (N_("Deadline"), 14)}


def _cut(text: str, width: int) -> str:
    text = visible(text)
    return text if len(text) <= width else text[:width - 1] + "…"


class MyWorkPanel(Vertical, CrmWidget):  # CrmWidget second: Vertical's CSS stays
    BINDINGS = [
        Binding("f5", "reload", N_("Reload"), id="work.reload"),
        Binding("d", "task_done", N_("Task done"), id="work.task_done"),
    ]

    def __init__(self) -> None:
        super().__init__(id="my-work")
        self.items: dict[str, WorkItem] = {}

    def compose(self) -> ComposeResult:
        yield Static(_("My work: loading…"), id="work-title", markup=False)
        yield DataTable(id="work-rows", cursor_type="row", zebra_stripes=True)

    @property
    def table(self) -> DataTable:
        return self.query_one("#work-rows", DataTable)

    def on_mount(self) -> None:
        for key in shown_columns(self.app, "work"):
            title, width = COLUMNS[key]
            self.table.add_column(_(title) if title != "#" else title, width=width, key=key)

    def shown(self) -> None:
        self.action_reload()
        self.table.focus()

    def action_reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="my-work")
    def _load(self) -> None:
        try:
            found = self.app.gateway.call(my_work.my_work)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._loaded, found)

    def _loaded(self, found: list[WorkItem]) -> None:
        kept = self._current_key()
        self.items = {f"{item.kind}:{item.id}": item for item in found}
        self.table.clear()
        for key, item in self.items.items():
            deadline = fmt_datetime(item.deadline, without_year=True) + (" !" if item.overdue else "")
            cells = {"kind": _(KIND_LABELS[item.kind]), "id": str(item.id), "what": _cut(item.title, WHAT_WIDTH),
                     "customer": _cut(item.customer, CUSTOMER_WIDTH), "deadline": deadline}
            self.table.add_row(*(cells[str(column.value)] for column in self.table.columns), key=key)
        if kept in self.items:
            self.table.move_cursor(row=self.table.get_row_index(kept))
        overdue = sum(item.overdue for item in found)
        title = _("My work: {n}").format(n=len(found))
        self.query_one("#work-title", Static).update(title + (_(", overdue {n}").format(n=overdue) if overdue else ""))

    def _current_key(self) -> str | None:
        if not self.table.row_count:
            return None
        return self.table.coordinate_to_cell_key(self.table.cursor_coordinate).row_key.value

    @on(DataTable.RowSelected, "#work-rows")
    def _entered(self, event: DataTable.RowSelected) -> None:
        item = self.items.get(event.row_key.value or "")
        if item is None:
            return
        if item.kind == "callback":
            self._call_back(item)
        elif item.inquiry_id is not None:
            self.open_inquiry(item.inquiry_id)
        else:
            self.app.notify(_("Task #{n} is about no inquiry: D marks it done").format(n=item.id))

    def _call_back(self, item: WorkItem) -> None:
        if item.inquiry_id is not None:
            self._register_call(item.id, None)
            return

        def answered(topic: str | None) -> None:
            if topic and topic.strip():
                self._register_call(item.id, topic.strip())

        self.app.push_screen(PromptScreen(_("Callback to {customer}: topic of the call (code or number)").format(
            customer=item.customer)), answered)

    @work(thread=True, exclusive=True, group="my-work-call")
    def _register_call(self, callback_id: int, topic: str | None) -> None:
        try:
            done = self.app.gateway.call(callback_done.complete, callback_id=callback_id, topic=topic,
                                         template=self._template())
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error", timeout=8)
            return
        self.app.call_from_thread(self._called, done)

    def _template(self) -> str | None:
        """The active contact template gives the outbound contact its place, as in Register."""
        template = self.app.active_template
        return getattr(template, "code", None)

    def _called(self, done: callback_done.CallbackDone) -> None:
        self.app.notify(_("Outbound call registered: contact {contact}").format(contact=done.contact_id))
        self.open_inquiry(done.inquiry_id)

    def open_inquiry(self, inquiry_id: int) -> None:
        self.app.push_screen(InquiryScreen(inquiry_id), lambda _result: self.action_reload())

    def action_task_done(self) -> None:
        key = self._current_key()
        item = self.items.get(key or "")
        if item is None or item.kind != "task":
            self.app.notify(_("Choose a task first"), severity="warning")
            return
        self._finish(item.id)

    @work(thread=True, exclusive=True, group="my-work-call")
    def _finish(self, task_id: int) -> None:
        try:
            self.app.gateway.call(tasks.finish_task, task_id=task_id)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self.action_reload)
