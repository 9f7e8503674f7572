"""A dialog that is one generated form (widgets/entry_form): a title, the fields with each one's error under
it, Save and Cancel. Escape cancels; Ctrl+S or Save checks what the form can check itself, then saves off the
UI thread and answers the dialog with what was saved. A refusal shows under its field with everything typed
kept (else as a notice), so the user corrects the value and saves again.

A dialog says what it is with FIELDS, FORM_ID (what its .tcss styles), BOX_CLASSES and SAVE_GROUP, and
gives `heading`, `prepare` (the form's values as the save's input) and `submit` (the service call)."""

from __future__ import annotations

from functools import partial
from typing import Any, ClassVar, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label

from crmterm.errors import CrmError, ValidationError
from crmterm.i18n import N_, _
from crmterm.services.directory.kinds import FieldSpec
from crmterm.widgets.entry_form import EntryForm
from crmterm.widgets.host import CrmModal

ResultT = TypeVar("ResultT")


def form_bindings(scope: str) -> list[BindingType]:
    """Escape and Ctrl+S, with ids of the dialog's own (`scope.cancel`, `scope.save`: what keymap.yaml remaps)."""
    return [Binding("escape", "dismiss(None)", N_("Cancel"), id=f"{scope}.cancel"),
            Binding("ctrl+s", "save", N_("Save"), id=f"{scope}.save")]


class FormDialog(CrmModal[ResultT | None]):
    FIELDS: ClassVar[tuple[FieldSpec, ...]]
    FORM_ID: ClassVar[str]  # the form's id
    BOX_CLASSES: ClassVar[str] = ""  # the dialog box's classes (e.g. "wide")
    SAVE_GROUP: ClassVar[str]  # the save's worker group: a second save replaces the first
    ERROR_FIELDS: ClassVar[dict[str, str]] = {}  # a service's field name → the form field showing its error

    def heading(self) -> str:
        raise NotImplementedError  # each dialog's: the line above the form

    def prepare(self, values: dict) -> Any:
        """The form's values as `submit` takes them; a ValidationError names the field (on the UI thread)."""
        return values

    def submit(self, prepared: Any) -> ResultT:
        raise NotImplementedError  # each dialog's service call, in the worker, through self.app.gateway

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes=self.BOX_CLASSES):
            yield Label(self.heading(), classes="dialog-title", markup=False)
            yield EntryForm(self.FIELDS, id=self.FORM_ID)
            with Horizontal(id="dialog-buttons"):
                yield Button(_("Save"), id="save", variant="primary")
                yield Button(_("Cancel"), id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.dismiss(None)

    def action_save(self) -> None:
        form = self.query_one(EntryForm)
        form.clear_errors()
        try:
            prepared = self.prepare(form.values())
        except ValidationError as error:
            self.failed(error)
            return
        self.run_worker(partial(self._save, prepared), name="save", group=self.SAVE_GROUP, exclusive=True,
                        thread=True)

    def _save(self, prepared: Any) -> None:
        try:
            saved = self.submit(prepared)
        except CrmError as error:
            self.app.call_from_thread(self.failed, error)
            return
        self.app.call_from_thread(self.dismiss, saved)

    def failed(self, error: CrmError) -> None:
        self.query_one(EntryForm).show_refusal(error, self.ERROR_FIELDS)
