"""Record a customer's promised payment (collections.work, checked by the service) from the customer card:
the amount and the day it is promised by. It answers the customer's open dunning inquiry, which then waits
for the payment; `crmterm collections scan` flags the promise broken when the day passes unpaid."""

from __future__ import annotations

from datetime import date, timedelta

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label

from crmterm.i18n import _
from crmterm.screens.customers.customer_dialogs import _Dialog
from crmterm.services.collections import promises

DEFAULT_DAYS = 3  # what customers usually ask for: until the next working days' salary or transfer


class PromiseDialog(_Dialog):
    def __init__(self, party_id: int) -> None:
        super().__init__()
        self.party_id = party_id

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(_("Promised payment of customer #{id}").format(id=self.party_id), classes="dialog-title")
            yield Label(_("Amount"))
            yield Input(id="amount")
            yield Label(_("Promised by (YYYY-MM-DD)"))
            yield Input((date.today() + timedelta(days=DEFAULT_DAYS)).isoformat(), id="promised-on")
            yield Label(_("Note"))
            yield Input(id="note")
            yield Label("", id="promise-error", classes="field-error")
            yield from self.buttons(_("Record the promise"))

    def on_mount(self) -> None:
        self.query_one("#promise-error", Label).display = False
        self.query_one("#amount", Input).focus()

    def submit(self) -> None:
        typed = self.query_one("#promised-on", Input)
        try:
            promised_on = date.fromisoformat(typed.value.strip())
        except ValueError:
            error = self.query_one("#promise-error", Label)
            error.update(_("expected a date YYYY-MM-DD"))
            error.display = True
            typed.focus()
            return
        self.dismiss((promises.record_promise, {
            "party_id": self.party_id, "amount": self.query_one("#amount", Input).value.strip(),
            "promised_on": promised_on, "note": self.query_one("#note", Input).value},
            _("Promised payment recorded")))
