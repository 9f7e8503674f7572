"""Modal dialogs of the Customers tab: move in a structure, merge two customers, erase one, blacklist one."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select
from textual.widgets.button import ButtonVariant

from crmterm.i18n import N_, _
from crmterm.services.billing import blacklist
from crmterm.services.customers import customers, erasure, structures
from crmterm.text import visible
from crmterm.widgets.host import CrmModal

# What a dialog answers: the service to call, its keywords and, optionally, what to say when it worked.
ServiceRequest = tuple[Any, ...]


class _Dialog(CrmModal[ServiceRequest | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"), id="dialog.cancel")]

    def submit(self) -> None:
        raise NotImplementedError  # each dialog's: dismiss with its request, or point at what is missing

    def buttons(self, ok: str, variant: ButtonVariant = "primary") -> ComposeResult:
        with Horizontal(id="dialog-buttons"):
            yield Button(ok, id="ok", variant=variant)
            yield Button(_("Cancel"), id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
        else:
            self.submit()

    def on_input_submitted(self) -> None:
        self.submit()

    def number(self, widget_id: str) -> int | None:
        text = self.query_one(widget_id, Input).value.strip()
        return int(text) if text.isdecimal() else None


class MoveDialog(_Dialog):
    """Move the customer (with its branch) under another parent, from today."""

    def __init__(self, party_id: int, structure: str | None) -> None:
        super().__init__()
        self.party_id, self.structure = party_id, structure

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(_("Move customer #{id}").format(id=self.party_id), classes="dialog-title")
            yield Label(_("Structure"))
            yield Input(self.structure or "", id="structure")
            yield Label(_("New parent customer id (empty: top level)"))
            yield Input(id="parent")
            yield from self.buttons(_("Move"))

    def on_mount(self) -> None:
        self.query_one("#parent", Input).focus()

    def submit(self) -> None:
        self.dismiss((structures.move, {"structure": self.query_one("#structure", Input).value.strip(),
                                        "party_id": self.party_id, "parent_id": self.number("#parent")}))


class MergeDialog(_Dialog):
    """Merge another customer into this one (this one survives)."""

    def __init__(self, party_id: int) -> None:
        super().__init__()
        self.party_id = party_id

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(_("Merge into customer #{id}").format(id=self.party_id), classes="dialog-title")
            yield Label(_("Id of the customer to merge (it will disappear into this one)"))
            yield Input(id="merged")
            yield from self.buttons(_("Merge"))

    def on_mount(self) -> None:
        self.query_one("#merged", Input).focus()

    def submit(self) -> None:
        merged = self.number("#merged")
        if merged is None:
            self.query_one("#merged", Input).focus()
            return
        self.dismiss((customers.merge, {"survivor_id": self.party_id, "merged_id": merged}))


class EraseDialog(_Dialog):
    """Right to erasure: the customer's personal data anonymised for good. Irreversible, so the admin types
    the customer's number to confirm (Enter alone never erases)."""

    def __init__(self, party_id: int, name: str) -> None:
        super().__init__()
        self.party_id, self.party_name = party_id, name

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(_("Erase the personal data of customer #{id}").format(id=self.party_id),
                        classes="dialog-title")
            yield Label(visible(self.party_name), markup=False)
            yield Label(_("Names, numbers, e-mails, notes and personal attribute values are anonymised for good "
                          "(merged customers too); inquiries stay countable in reports. This cannot be undone."),
                        classes="dialog-text")
            yield Label(_("Type {id} to confirm").format(id=self.party_id))
            yield Input(id="confirm")
            yield Label("", id="erase-error", classes="field-error")
            yield from self.buttons(_("Erase"), variant="error")

    def on_mount(self) -> None:
        self.query_one("#confirm", Input).focus()

    def submit(self) -> None:
        if self.query_one("#confirm", Input).value.strip() != str(self.party_id):
            error = self.query_one("#erase-error", Label)
            error.update(_("Type {id} to confirm").format(id=self.party_id))
            error.display = True
            self.query_one("#confirm", Input).focus()
            return
        self.dismiss((erasure.erase_customer, {"party_id": self.party_id},
                      _("Customer #{id}: personal data erased").format(id=self.party_id)))


class BlacklistDialog(_Dialog):
    """Flag the customer for fraud or non-payment (blacklist.write, checked by the service), with a note and
    an optional last day; `crmterm blacklist lift` lifts it."""

    def __init__(self, party_id: int) -> None:
        super().__init__()
        self.party_id = party_id

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(_("Blacklist customer #{id}").format(id=self.party_id), classes="dialog-title")
            yield Select([(_(label), code) for code, label in blacklist.REASONS.items()], id="reason",
                         value="non_payment", allow_blank=False)
            yield Label(_("Note"))
            yield Input(id="note")
            yield Label(_("In force before (YYYY-MM-DD, empty: until lifted)"))
            yield Input(id="until")
            yield from self.buttons(_("Blacklist"), "error")

    def on_mount(self) -> None:
        self.query_one("#note", Input).focus()

    def submit(self) -> None:
        until = self.query_one("#until", Input).value.strip()
        try:
            day = date.fromisoformat(until) if until else None
        except ValueError:
            self.query_one("#until", Input).focus()
            return
        self.dismiss((blacklist.add_entry, {"kind": "customer", "value": str(self.party_id),
                                            "reason": self.query_one("#reason", Select).value,
                                            "note": self.query_one("#note", Input).value, "until": day},
                      _("Blacklisted")))
