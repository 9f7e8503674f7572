"""Group operations of the Queues tab (supervisors): one operation on the marked inquiries (F6) — or on every
inquiry the active filter matches, not only the pages loaded (Shift+F6, services/routing/filter_matches) —
applied all or nothing by `inquiry_moves.bulk`, then a result per row — or, when any row failed, which rows
failed and why, and that nothing was changed."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, Label, Select

from crmterm.errors import CrmError
from crmterm.i18n import N_, _
from crmterm.moments import FIRST_YEAR, LAST_YEAR
from crmterm.services.inquiries import inquiry_moves
from crmterm.services.inquiries.inquiry_moves import BulkFailed, RowResult
from crmterm.services.routing import filter_matches
from crmterm.services.routing.inquiry_filter import InquiryFilter
from crmterm.widgets.host import CrmModal, WidgetPart
from crmterm.widgets.inquiry_table import InquiryTable
from crmterm.widgets.safe_text import plain

OPERATIONS = {  # operation -> (label, what to type, the keyword the service takes the value as)
    "assign": (N_("Assign to"), N_("Login of the assignee"), "login"),
    "transfer": (N_("Transfer to queue"), N_("Queue code"), "queue"),
    "priority": (N_("Set priority"), N_("Priority code"), "priority"),
    "deadline": (N_("Set deadline"), N_("Date and time, e.g. 2026-12-01 18:00"), "due_at"),
    "close": (N_("Close"), N_("Resolution"), "resolution"),
}


def parse_when(text: str) -> datetime:
    """ISO date or date-time as typed; without a zone it is the user's local time."""
    value = datetime.fromisoformat(text.strip())
    if not FIRST_YEAR <= value.year <= LAST_YEAR:  # local time next to year 1 or 9999 cannot become UTC
        raise ValueError(text)
    return value if value.tzinfo else value.astimezone()


class BulkDialog(CrmModal[tuple[str, dict] | None]):
    """The operation and its value (a deadline also needs a reason); Enter applies, Escape cancels."""

    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"), id="bulk.cancel")]

    def __init__(self, count: int, choices: dict[str, list[str]], filter_name: str | None = None) -> None:
        super().__init__()
        self.count, self.choices = count, choices  # operation -> the codes it may take, shown as a hint
        self.filter_name = filter_name  # the operation covers everything this filter matches

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            title = (_("Group action on the selected inquiries ({n})").format(n=self.count)
                     if self.filter_name is None else
                     _("Group action on every inquiry of the filter “{name}” ({n})").format(name=self.filter_name,
                                                                                           n=self.count))
            yield Label(title, classes="dialog-title", markup=False)
            yield Select([(_(label), op) for op, (label, _hint, _key) in OPERATIONS.items()], id="bulk-operation",
                         allow_blank=False, compact=True)
            yield Input(id="bulk-value")
            yield Label("", id="bulk-hint", classes="hint", markup=False)
            yield Input(id="bulk-reason", placeholder=_("Reason"))
            yield Label("", id="bulk-error", markup=False)
            with Horizontal(id="dialog-buttons"):
                yield Button(_("Apply"), id="apply", variant="primary")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#bulk-error").display = False
        self._operation_changed()
        self.query_one("#bulk-operation", Select).focus()

    def _operation(self) -> str:
        operation = self.query_one("#bulk-operation", Select).value
        assert isinstance(operation, str), "the operation select has no blank"
        return operation

    @on(Select.Changed, "#bulk-operation")
    def _operation_changed(self) -> None:
        operation = self._operation()
        self.query_one("#bulk-value", Input).placeholder = _(OPERATIONS[operation][1])
        codes = self.choices.get(operation, [])
        hint = self.query_one("#bulk-hint", Label)
        hint.update(_("One of: {codes}").format(codes=", ".join(codes)) if codes else "")
        hint.display = bool(codes)
        self.query_one("#bulk-reason", Input).display = operation == "deadline"

    @on(Input.Submitted, "#bulk-value")
    def value_entered(self) -> None:
        reason = self.query_one("#bulk-reason", Input)
        if reason.display and not reason.value.strip():
            reason.focus()  # a deadline needs its reason next
        else:
            self.apply()

    @on(Input.Submitted, "#bulk-reason")
    @on(Button.Pressed, "#apply")
    def apply(self) -> None:
        operation = self._operation()
        value = self.query_one("#bulk-value", Input).value.strip()
        reason = self.query_one("#bulk-reason", Input).value.strip()
        try:
            self.dismiss((operation, self._params(operation, value, reason)))
        except ValueError as error:
            problem = self.query_one("#bulk-error", Label)
            problem.update(str(error))
            problem.display = True

    def _params(self, operation: str, value: str, reason: str) -> dict:
        if not value:
            raise ValueError(_("Fill in the value"))
        if operation != "deadline":
            return {OPERATIONS[operation][2]: value}
        if not reason:
            raise ValueError(_("Give a reason for the new deadline"))
        try:
            return {"due_at": parse_when(value), "reason": reason}
        except ValueError:
            raise ValueError(_("Not a date and time: {value}").format(value=value)) from None

    @on(Button.Pressed, "#cancel")
    def cancel(self) -> None:
        self.dismiss(None)


class BulkResults(CrmModal[None]):
    """What happened to each row; on failure the successful rows were undone too, and say so."""

    BINDINGS = [Binding("escape,enter", "dismiss(None)", N_("Close"), id="bulk.results_close")]

    def __init__(self, results: list[RowResult], failed: bool) -> None:
        super().__init__()
        self.results, self.failed = results, failed

    def compose(self) -> ComposeResult:
        bad = sum(not r.ok for r in self.results)
        if self.failed:
            title = _("Nothing was changed: {bad} of {total} inquiries failed").format(bad=bad,
                                                                                      total=len(self.results))
        else:
            title = _("Inquiries changed: {n}").format(n=len(self.results))
        with Vertical(id="dialog", classes="bulk-results"):
            yield Label(title, id="bulk-title", classes="dialog-title", markup=False)
            yield DataTable(id="bulk-results", cursor_type="row", zebra_stripes=True)
            yield Label(_("Enter or Escape closes"), classes="hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(_("#"), _("Result"))
        for result in self.results:
            table.add_row(plain(f"#{result.id}"), self._outcome(result), key=str(result.id))
        table.focus()

    def on_data_table_row_selected(self) -> None:  # Enter on the (focused) table
        self.dismiss(None)

    def _outcome(self, result: RowResult) -> Text:
        if not result.ok:
            return plain(_("failed: {why}").format(why=result.message), style="red")
        if self.failed:
            return plain(_("would have been changed; undone"), style="dim")
        return plain(_("changed"), style="green")


class QueueBulk(WidgetPart):
    """Mixed into the panel, which provides `table`, `bulk_choices()` and `refresh_all()`."""

    where: InquiryFilter  # the panel's: the active filter

    if TYPE_CHECKING:  # the panel's
        @property
        def table(self) -> InquiryTable: ...

        def filter_label(self) -> str: ...

        def bulk_choices(self) -> dict[str, list[str]]: ...

        def refresh_all(self) -> None: ...

    def action_bulk(self) -> None:
        self._ask_bulk(self.table.selection(), None)

    def action_bulk_filter(self) -> None:
        self._find_matches(self.where, self.filter_label())

    def _ask_bulk(self, ids: list[int], filter_name: str | None) -> None:
        if not ids:
            self.app.notify(_("No inquiries to act on: mark them with Space"), severity="warning")
            return

        def chosen(answer: tuple[str, dict] | None) -> None:
            if answer:
                self._run_bulk(ids, *answer)
        self.app.push_screen(BulkDialog(len(ids), self.bulk_choices(), filter_name), chosen)

    @work(thread=True, exclusive=True, group="queue-bulk")
    def _find_matches(self, where: InquiryFilter, name: str) -> None:
        """The ids the active filter selects (all of them, not the pages loaded so far)."""
        try:
            ids = self.app.gateway.call(filter_matches.matching_ids, where=where)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error", timeout=8)
            return
        self.app.call_from_thread(self._ask_bulk, ids, name)

    @work(thread=True, exclusive=True, group="queue-bulk")
    def _run_bulk(self, ids: list[int], operation: str, params: dict) -> None:
        try:
            results, failed = self.app.gateway.call(inquiry_moves.bulk, operation=operation, ids=ids,
                                                    **params), False
        except BulkFailed as error:  # the unit of work rolled everything back
            results, failed = error.results, True
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error", timeout=8)
            return
        self.app.call_from_thread(self._bulk_done, results, failed)

    def _bulk_done(self, results: list[RowResult], failed: bool) -> None:
        if not failed:
            self.table.marked.clear()
        self.app.push_screen(BulkResults(results, failed))
        self.refresh_all()
