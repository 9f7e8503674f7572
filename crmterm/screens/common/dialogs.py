"""Small modal dialogs: confirmation, help (keys) and settings (language)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Label, RadioButton, RadioSet

from crmterm.i18n import N_, _, language_name
from crmterm.settings import LANGUAGES
from crmterm.text import visible
from crmterm.widgets.host import CrmModal


class ConfirmScreen(CrmModal[bool]):
    """Yes/no before anything destructive; Enter = yes, Escape = no."""

    BINDINGS = [Binding("escape", "answer(False)", N_("Cancel"), id="confirm.cancel"),
                Binding("y", "answer(True)", N_("Yes"), id="confirm.yes", show=False)]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(visible(self.question), id="question", markup=False)
            with Horizontal(id="dialog-buttons"):
                yield Button(_("Yes"), id="yes", variant="error")
                yield Button(_("No"), id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class HelpScreen(CrmModal[None]):
    """Every active key with its description and binding id (ids are what keymap.yaml remaps)."""

    BINDINGS = [Binding("escape,f1,q", "app.pop_screen", N_("Close"), id="help.close")]

    def __init__(self, bindings: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = bindings

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="wide"):
            yield Label(_("Keys"), classes="dialog-title")
            yield DataTable(id="keys", cursor_type="row", zebra_stripes=True)
            yield Label(_("Remap keys in keymap.yaml (binding id: keys)."), classes="hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(_("Key"), _("Action"), _("Binding id"))
        for key, description, binding_id in self.rows:
            table.add_row(key, _(description), binding_id)


class SettingsScreen(CrmModal[str | None]):
    """Language (applies at once and is remembered)."""

    BINDINGS = [Binding("escape", "app.pop_screen", N_("Close"), id="settings.close")]

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(_("Settings"), classes="dialog-title")
            yield Label(_("Language"))
            with RadioSet(id="language"):
                for code in LANGUAGES:
                    yield RadioButton(language_name(code), value=code == self.language, name=code)

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self.dismiss(event.pressed.name)


class PromptScreen(CrmModal[str | None]):
    """One line of text (e.g. the code of a copy); Enter accepts, Escape cancels."""

    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"), id="prompt.cancel")]

    def __init__(self, question: str, value: str = "") -> None:
        super().__init__()
        self.question, self.value = question, value

    def compose(self) -> ComposeResult:
        from textual.widgets import Input

        with Vertical(id="dialog"):
            yield Label(visible(self.question), classes="dialog-title", markup=False)
            yield Input(self.value, id="answer")

    def on_input_submitted(self, event) -> None:
        self.dismiss(event.value.strip() or None)
