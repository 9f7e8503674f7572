"""The small dialogs of the inquiry screen: a menu to pick one of a few choices (moves, queues,
priorities) and a form of one to three lines (a note, a resolution, a login, a deadline with its reason)
that says what is missing instead of closing. Everything shown that comes from data is literal text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from crmterm.i18n import N_, _
from crmterm.widgets.host import CrmModal
from crmterm.widgets.safe_text import plain


class MenuScreen(CrmModal[str | None]):
    """Pick one entry with the arrows and Enter; Escape cancels. Returns the entry's id."""

    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"), id="menu.cancel")]

    def __init__(self, title: str, entries: list[tuple[str, str]]) -> None:
        super().__init__(classes="inquiry-menu")
        self.title_text, self.entries = title, entries

    def compose(self) -> ComposeResult:
        with Vertical(id="menu-box"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            yield OptionList(*[Option(plain(label), id=entry_id) for entry_id, label in self.entries],
                             id="menu-options")
            yield Label(_("Enter chooses, Escape cancels"), classes="hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.entries:
            options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    @property
    def option_ids(self) -> list[str]:
        return [entry_id for entry_id, _label in self.entries]  # the list's options, in its order


@dataclass(frozen=True)
class Ask:
    """One line of an AskScreen."""

    key: str
    label: str
    required: bool = False
    placeholder: str = ""
    value: str = ""


class AskScreen(CrmModal[dict[str, str] | None]):
    """A few lines of text. Enter moves to the next line and, on the last, accepts; a required line left
    empty (or what `check` finds wrong) is named under its line and the dialog stays. Escape cancels."""

    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"), id="ask.cancel")]

    def __init__(self, title: str, lines: list[Ask],
                 check: Callable[[dict[str, str]], dict[str, str]] | None = None) -> None:
        super().__init__(classes="inquiry-ask")
        self.title_text, self.lines, self.check = title, lines, check

    def compose(self) -> ComposeResult:
        with Vertical(id="ask-box"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            for line in self.lines:
                yield Label(line.label + (" *" if line.required else ""), classes="field-label", markup=False)
                yield Input(line.value, placeholder=line.placeholder, id=f"ask-{line.key}")
                yield Static("", id=f"ask-error-{line.key}", classes="field-error", markup=False)
            yield Label(_("Enter: next line / accept, Escape: cancel"), classes="hint")

    def on_mount(self) -> None:
        self.query_one(f"#ask-{self.lines[0].key}", Input).focus()

    def answers(self) -> dict[str, str]:
        return {line.key: self.query_one(f"#ask-{line.key}", Input).value.strip() for line in self.lines}

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        keys = [line.key for line in self.lines]
        current = keys.index((event.input.id or "").removeprefix("ask-"))
        if current + 1 < len(keys):
            self.query_one(f"#ask-{keys[current + 1]}", Input).focus()
            return
        self.accept()

    def accept(self) -> None:
        answers = self.answers()
        errors = {line.key: _("required") for line in self.lines if line.required and not answers[line.key]}
        if not errors and self.check is not None:
            errors = self.check(answers)
        for line in self.lines:
            box = self.query_one(f"#ask-error-{line.key}", Static)
            box.update(errors.get(line.key, ""))
            box.display = line.key in errors
        if errors:
            first = next(line.key for line in self.lines if line.key in errors)
            self.query_one(f"#ask-{first}", Input).focus()
            return
        self.dismiss(answers)
