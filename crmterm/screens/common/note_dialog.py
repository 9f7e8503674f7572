"""A note to add (services/customers/notes): one line of text and whether the customer may see it. Enter
accepts, Space on the check box (Tab to reach it) or Alt+P makes the note public, Escape cancels."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Checkbox, Input, Label

from crmterm.i18n import N_, _
from crmterm.text import visible
from crmterm.widgets.host import CrmModal


@dataclass(frozen=True)
class NoteTyped:
    text: str
    public: bool


class NoteDialog(CrmModal[NoteTyped | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"), id="note.cancel"),
                Binding("alt+p", "toggle_public", N_("Public"), id="note.public", priority=True)]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(visible(self.title_text), classes="dialog-title", markup=False)
            yield Input(id="note-text", placeholder=_("Type the note and press Enter"))
            yield Checkbox(_("Public: the customer may see it"), id="note-public", compact=True)
            yield Label(_("Enter: add, Alt+P: public, Escape: cancel"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#note-text", Input).focus()

    def action_toggle_public(self) -> None:
        box = self.query_one("#note-public", Checkbox)
        box.value = not box.value

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if text:
            self.dismiss(NoteTyped(text, self.query_one("#note-public", Checkbox).value))
