"""The response library's picker: type words to narrow the answers (the inquiry's topic and the agent's
language first), the arrows move, Enter inserts the highlighted one — filled in for the inquiry or the caller
and counted as a use — and Escape cancels. Opened with Alt+R on the inquiry screen, in a comment and on
Register; what it returns goes where the agent was typing."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from crmterm.errors import CrmError
from crmterm.i18n import N_, _, current_language
from crmterm.services.knowledge import responses
from crmterm.services.knowledge.responses import ResponseRead
from crmterm.widgets.host import CrmModal
from crmterm.widgets.safe_text import plain
from crmterm.widgets.type_ahead import focus_now

KEY = "alt+r"  # free on the inquiry screen, in its dialogs and on Register (F6–F8 and Ctrl+R are Register's)
SHOWN = 50


def response_binding(prefix: str) -> Binding:
    """The picker's key, the same on every screen that inserts answers (ids per screen)."""
    # priority: a terminal sends Alt+R as ESC r, a key with the printable character "r", which a focused text
    # field would type instead (Pilot's alt+r carries no character, so only a real terminal showed it)
    return Binding(KEY, "insert_response", N_("Response library"), id=f"{prefix}.response",
                   show=False, priority=True)  # the footers are full: F1 lists it


class ResponsePicker(CrmModal[str | None]):
    """Returns the filled-in text, or None when cancelled."""

    CSS_PATH = "response_picker.tcss"
    AUTO_FOCUS = "#response-search"  # what is typed right after the key lands in the search
    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"), id="response.cancel"),
                Binding("down", "move(1)", show=False), Binding("up", "move(-1)", show=False)]

    def __init__(self, *, topic: str | None = None, inquiry_id: int | None = None,
                 customer_id: int | None = None) -> None:
        super().__init__()
        self.topic, self.inquiry_id, self.customer_id = topic, inquiry_id, customer_id
        self.found: list[ResponseRead] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="response-box"):
            yield Label(_("Response library"), id="response-title")
            yield Input(id="response-search", placeholder=_("words of the answer"))
            yield OptionList(id="response-list")
            yield Static("", id="response-preview", markup=False)
            yield Label(_("Enter: insert, ↑↓: choose, Escape: cancel"), id="response-hint")

    def on_mount(self) -> None:
        focus_now(self.query_one("#response-search"))
        self.search("")

    @on(Input.Changed, "#response-search")
    def typed(self, event: Input.Changed) -> None:
        self.search(event.value)

    @work(thread=True, exclusive=True, group="response-search")
    def search(self, text: str) -> None:
        try:
            found = self.app.gateway.call(responses.list_responses, search=text, topic=self.topic,
                                          language=current_language(), active_only=True, limit=SHOWN)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self.show, text, found)

    def show(self, text: str, found: list[ResponseRead]) -> None:
        if text != self.query_one("#response-search", Input).value:
            return  # an answer for words the agent has typed past
        self.found = found
        listing = self.query_one("#response-list", OptionList)
        listing.clear_options()
        listing.add_options([Option(plain(_line(r)), id=r.code) for r in found])
        listing.highlighted = 0 if found else None
        self._preview()

    @on(OptionList.OptionHighlighted, "#response-list")
    def _preview(self) -> None:
        chosen = self.chosen()
        self.query_one("#response-preview", Static).update(
            chosen.body if chosen else _("No answer holds these words"))

    def action_move(self, step: int) -> None:
        listing = self.query_one("#response-list", OptionList)
        if listing.option_count:
            listing.highlighted = max(0, min(listing.option_count - 1, (listing.highlighted or 0) + step))

    def chosen(self) -> ResponseRead | None:
        index = self.query_one("#response-list", OptionList).highlighted
        return self.found[index] if index is not None and index < len(self.found) else None

    @on(Input.Submitted, "#response-search")
    @on(OptionList.OptionSelected, "#response-list")
    def picked(self, event: Input.Submitted | OptionList.OptionSelected) -> None:
        event.stop()
        chosen = self.chosen()
        if chosen is not None:
            self.insert(chosen.code)

    @work(thread=True, exclusive=True, group="response-insert")
    def insert(self, code: str) -> None:
        try:
            text = self.app.gateway.call(responses.insert, code=code, inquiry_id=self.inquiry_id,
                                         customer_id=self.customer_id)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self.dismiss, text)


def _line(response: ResponseRead) -> str:
    where = response.topic or _("any topic")
    return f"{response.label}  · {where} · {response.language} · {response.used_count}"
