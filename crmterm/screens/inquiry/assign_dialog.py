"""Assigning an inquiry: a filterable list of people (the queue's members first, marked) and a note.
Typing filters, the arrows and Enter pick, Enter in the note assigns; Escape cancels. A refused assignment
brings the dialog back with the note and the filter as they were and the reason under the list."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from crmterm.i18n import N_, _
from crmterm.services.inquiries.assignees import Assignee
from crmterm.widgets.host import CrmModal
from crmterm.widgets.safe_text import plain
from crmterm.widgets.type_ahead import focus_now


class AssignScreen(CrmModal[dict[str, str] | None]):
    """Returns {"login": …, "text": …} or None."""

    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"), id="assign.cancel")]

    def __init__(self, title: str, people: list[Assignee], note: str = "", search: str = "",
                 problem: str = "") -> None:
        super().__init__(classes="inquiry-ask")
        self.title_text, self.people = title, people
        self._note, self._search, self._problem = note, search, problem

    def compose(self) -> ComposeResult:
        with Vertical(id="ask-box"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            yield Label(_("Assignee (type to filter; ● works this queue)"), classes="field-label")
            yield Input(self._search, id="assign-filter", placeholder=_("login or name"))
            yield OptionList(id="assign-people")
            yield Static(self._problem, id="assign-error", classes="field-error", markup=False)
            yield Label(_("Note"), classes="field-label")
            yield Input(self._note, id="assign-note")
            yield Label(_("Enter: pick / assign, Escape: cancel"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#assign-error").display = bool(self._problem)
        self._show(self._search)
        focus_now(self.query_one("#assign-filter"))

    def matching(self, text: str) -> list[Assignee]:
        needle = text.strip().casefold()
        return [p for p in self.people if needle in f"{p.login} {p.display_name}".casefold()]

    def _show(self, text: str) -> None:
        listing = self.query_one("#assign-people", OptionList)
        listing.clear_options()
        listing.add_options([Option(plain(f"{'●' if p.member else ' '} {p.login}  {p.display_name}"), id=p.login)
                             for p in self.matching(text)])
        if listing.option_count:
            listing.highlighted = 0

    @on(Input.Changed, "#assign-filter")
    def filtered(self, event: Input.Changed) -> None:
        self._show(event.value)

    @on(Input.Submitted, "#assign-filter")
    def filter_done(self, event: Input.Submitted) -> None:
        event.stop()
        if self.chosen() is not None:
            focus_now(self.query_one("#assign-note"))

    def key_down(self) -> None:
        if self.query_one("#assign-filter").has_focus:
            focus_now(self.query_one("#assign-people"))

    @on(OptionList.OptionSelected, "#assign-people")
    def picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        focus_now(self.query_one("#assign-note"))

    def chosen(self) -> str | None:
        listing = self.query_one("#assign-people", OptionList)
        if listing.highlighted is None or not listing.option_count:
            return None
        return listing.get_option_at_index(listing.highlighted).id

    @on(Input.Submitted, "#assign-note")
    def accept(self, event: Input.Submitted) -> None:
        event.stop()
        login = self.chosen()
        if login is None:
            error = self.query_one("#assign-error", Static)
            error.update(_("nobody matches: change the filter"))
            error.display = True
            focus_now(self.query_one("#assign-filter"))
            return
        self.dismiss({"login": login, "text": event.value.strip(),
                      "search": self.query_one("#assign-filter", Input).value})
