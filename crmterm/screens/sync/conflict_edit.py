"""A conflict's third way (E on the conflict screen): type the value the field should have. Enter saves it —
pushed to the server at the next sync — Escape cancels; a value the field does not take is named under the
input, which keeps what was typed."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from crmterm.errors import ValidationError
from crmterm.i18n import N_, _
from crmterm.screens.sync.conflict_values import detail_lines, editable_value
from crmterm.services.sync import resolve
from crmterm.services.sync.status import ConflictView
from crmterm.widgets.host import CrmModal
from crmterm.widgets.service_call import call_service


class ConflictEditDialog(CrmModal[ConflictView | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"), id="sync_edit.cancel")]

    def __init__(self, conflict: ConflictView) -> None:
        super().__init__()
        self.conflict = conflict

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(_("Edit the value"), classes="dialog-title")
            yield Static("\n".join(detail_lines(self.conflict)[:3]), classes="dialog-text", markup=False)
            yield Input(editable_value(self.conflict.ours), id="sync-edit-value")
            yield Static("", id="sync-edit-error", classes="field-error", markup=False)
            yield Label(_("Enter saves (sent at the next sync), Escape cancels"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#sync-edit-value", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#sync-edit-error", Static).display = False
        self.save(event.value)

    @work(thread=True, exclusive=True, group="sync-edit")
    def save(self, value: str) -> None:
        call_service(self.app, resolve.resolve_conflict, on_done=self.dismiss, on_refused=self._refused,
                     conflict_id=self.conflict.id, choice="edit", value=value)

    def _refused(self, error: ValidationError) -> None:
        shown = self.query_one("#sync-edit-error", Static)
        shown.update(error.detail)
        shown.display = True
