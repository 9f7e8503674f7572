"""The customer card: details form (editable, version-checked) and read-only tabs for structures, contracts
and subscribers, contact persons, discounts, history and notes — all from one CardRead, as of a date — and the
customer's orders with their items and state (loaded apart: they are the sales domain's)."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Checkbox, DataTable, Input, Label, Static, TabbedContent, TabPane

from crmterm.errors import CrmError, PermissionDenied
from crmterm.i18n import N_, _, current_language, fmt_date, fmt_datetime
from crmterm.screens.customers.billing_strip import BillingStrip
from crmterm.screens.inquiry.inquiry_view import InquiryScreen
from crmterm.screens.retention.churn_badge import ChurnBadge
from crmterm.screens.service.card_equipment import EquipmentPanel
from crmterm.services.accounts.workspace import CARD_TABS
from crmterm.services.billing import billing_views
from crmterm.services.customers.as_of import FIELD_LABELS, since_text
from crmterm.services.customers.customer_card import CardRead
from crmterm.services.customers.customers import KIND_LABELS, KINDS, STATUS_LABELS, STATUSES, status_label
from crmterm.services.customers.history import ChangeRead
from crmterm.services.customers.notes import NoteRead
from crmterm.services.directory.kinds import FieldSpec
from crmterm.services.inquiries.inquiry_log import state_label
from crmterm.services.sales import orders
from crmterm.services.sales.orders import OrderRead
from crmterm.text import visible
from crmterm.widgets.entry_form import EntryForm
from crmterm.widgets.host import CrmWidget
from crmterm.widgets.layout import current_layout
from crmterm.widgets.safe_text import plain

PARTY_FIELDS = (
    FieldSpec("display_name", N_("Name"), required=True, max_length=300),
    FieldSpec("names", N_("Name"), "labels"),
    FieldSpec("kind", N_("Kind"), "choice", choices=KINDS, choice_labels=tuple(KIND_LABELS[k] for k in KINDS),
              default="person"),
    FieldSpec("category", N_("Client category"), "ref", ref="client_categories"),
    FieldSpec("status", N_("Status"), "choice", choices=STATUSES,
              choice_labels=tuple(STATUS_LABELS[s] for s in STATUSES), default="active"),
    FieldSpec("email", N_("E-mail")),
    FieldSpec("phone", N_("Phone")),
    FieldSpec("is_lead", N_("Lead (potential customer)"), "bool", default=False),
)
_TABLES = {
    "contracts": (N_("Contract"), N_("Number"), N_("Service"), N_("Status")),
    "persons": (N_("Name"), N_("Role"), N_("Phones"), N_("E-mails")),
    "discounts": (N_("Discount, %"), N_("Applies via"), N_("From"), N_("Until"), N_("Description")),
    "history": (N_("When"), N_("Who"), N_("Field"), N_("Old"), N_("New"), N_("Source")),
    "notes": (N_("When"), N_("Who"), N_("Note"), N_("On"), N_("Seen by")),
    "inquiries": ("#", N_("When"), N_("Topic"), N_("Inquiry type"), N_("State")),
    "orders": (N_("Order"), N_("When"), N_("State"), N_("Total"), N_("Items")),
}


def field_label(field: str) -> str:
    """A changed field of the history by the name the form gives it."""
    return next((_(spec.label) for spec in PARTY_FIELDS if spec.name == field), field)


def _t(value) -> Text:
    """Data is shown literally: never as markup."""
    if isinstance(value, list):
        value = ", ".join(map(str, value))
    return plain("" if value is None else str(value))


def _note_target(card: CardRead, note: NoteRead) -> str:
    """What a note of the card is on: the customer, or which of its contracts, subscribers or persons."""
    names = {("contract", c.id): c.number for c in card.contracts}
    names |= {("subscriber", s.id): s.number for c in card.contracts for s in c.subscribers}
    names |= {("contact_person", p.id): p.name for p in card.contact_persons}
    return names.get((note.entity, note.entity_id), _("customer"))


def _name_then(card: CardRead) -> str | None:
    """The name the customer had on the card's past day (None: today's card, or the name not tracked then)."""
    if card.then is None:
        return None
    name, names = card.then.field("display_name"), card.then.field("names")
    in_language = (names.value or {}).get(current_language()) if names.known else None
    return in_language or (name.value if name.known else None)


class CustomerCard(Vertical, CrmWidget):  # CrmWidget second: Vertical's CSS stays
    title_text = ""  # the title line without the debt warning the billing block may add

    def compose(self) -> ComposeResult:
        yield Label("", id="card-title", markup=False)
        yield ChurnBadge(id="card-churn", markup=False)
        with TabbedContent(id="card-tabs"):
            for name in current_layout(self.app).card_tabs:  # in the user's order (their workspace)
                yield from self._tab(name)

    def _tab(self, name: str) -> ComposeResult:
        with TabPane(_(CARD_TABS[name]), id=f"tab-{name}"):
            if name == "details":
                with VerticalScroll():
                    yield Static("", id="card-as-of", markup=False)
                    yield EntryForm(PARTY_FIELDS, id="party-form")
                return
            if name == "structures":
                yield Static("", id="card-structures", markup=False)
                return
            if name == "assets":  # the installed base and service contracts (the service domain's, loaded apart)
                yield EquipmentPanel(id="card-equipment")
                return
            if name == "contracts":
                yield BillingStrip(id="card-billing", markup=False)
            if name == "notes":
                with Horizontal(id="new-note-row"):
                    yield Input(id="new-note", placeholder=_("Type a note and press Enter"), compact=True)
                    yield Checkbox(_("Public"), id="new-note-public", compact=True)
            yield DataTable(id=f"card-{name}", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        for name, columns in _TABLES.items():
            self.query_one(f"#card-{name}", DataTable).add_columns(*(_(c) for c in columns))

    def show(self, card: CardRead | None, changes: list[ChangeRead]) -> None:
        form = self.query_one(EntryForm)
        if card is None:
            self._show_then(None)
            self.query_one("#card-title", Label).update(_("New customer"))
            form.load({"kind": "person", "status": "active"})
            for name in _TABLES:
                self.query_one(f"#card-{name}", DataTable).clear()
            self.query_one("#card-structures", Static).update("")
            self.query_one(BillingStrip).load(None)
            self.query_one(EquipmentPanel).load(None)
            self.query_one(ChurnBadge).load(None)
            return
        self._load_orders(card.party.id)
        self.query_one(EquipmentPanel).load(card.party.id)
        party = card.party
        lead = _(" · lead") if party.is_lead else ""
        past = "" if card.as_of == date.today() else " · " + _("as of {date}").format(date=fmt_date(card.as_of))
        name = _name_then(card) or party.names.get(current_language()) or party.display_name
        flags = "".join(f" · ⚠ {warning}" for warning in card.blacklist)
        self.title_text = visible(f"#{party.id} {name}{lead} · v{party.version}{past}{flags}")
        self.query_one("#card-title", Label).update(self.title_text)
        self._show_then(card)
        self.query_one(BillingStrip).load(party.id)
        self.query_one(ChurnBadge).load(party.id)
        form.load(party.model_dump())
        self._fill(card, changes)

    def _show_then(self, card: CardRead | None) -> None:
        """Above the form (today's values, to edit): the tracked fields as they were on the past day."""
        block = self.query_one("#card-as-of", Static)
        block.display = card is not None and card.then is not None
        if card is None or card.then is None:
            return
        then = card.then
        lines = [_("As of {date} (* differs from today; the form below holds today's values):").format(
            date=fmt_date(then.on))]
        if not then.existed:
            lines.append(_("not yet a customer on that day"))
        lines += [f"{_(FIELD_LABELS[f.field])}: {f.shown}{since_text(f)}{' *' if f.changed else ''}"
                  for f in then.fields]
        block.update(visible("\n".join(lines)))

    def _fill(self, card: CardRead, changes: list[ChangeRead]) -> None:
        language = current_language()
        lines = [f"{p.structure_label or p.structure}: "
                 + " › ".join(f"{n.name_in(language)} (#{n.party_id})" for n in p.path) for p in card.structures]
        self.query_one("#card-structures", Static).update(visible("\n".join(lines)) or _("Not in any structure"))
        rows: dict[str, list[tuple[Any, ...]]] = {
            "contracts": [(c.number, s.number, s.service, status_label(s.status)) for c in card.contracts
                          for s in c.subscribers] +
                         [(c.number, "", "", status_label(c.status)) for c in card.contracts if not c.subscribers] +
                         [(c.number, p.subscriber or "", _("payment {amount} {currency}, {date}").format(
                             amount=p.amount, currency=p.currency, date=fmt_date(p.paid_on)), "")
                          for c in card.contracts for p in c.payments],
            "persons": [(p.name, p.role, p.phones, p.emails) for p in card.contact_persons],
            "discounts": [(d.percent, d.applies_via, fmt_date(d.valid_from), fmt_date(d.valid_to), d.description)
                          for d in card.discounts],
            "history": [(fmt_datetime(c.at), c.by, field_label(c.field), c.old, c.new, c.source) for c in changes],
            "notes": [(fmt_datetime(n.at), n.author, n.text, _note_target(card, n),
                       _("public") if n.public else _("internal")) for n in card.notes],
            "inquiries": [(f"#{i.id}", fmt_datetime(i.created_at), i.topic_label, _(i.type), state_label(i.state))
                          for i in card.inquiries],
        }
        for name, values in rows.items():
            table = self.query_one(f"#card-{name}", DataTable)
            table.clear()
            for row in values:
                table.add_row(*(_t(v) for v in row), key=row[0][1:] if name == "inquiries" else None)

    @work(thread=True, exclusive=True, group="card-orders")
    def _load_orders(self, party_id: int) -> None:
        """The customer's orders and where their handling stands (services/sales/orders); none shown to a
        user who does not sell."""
        try:
            found = self.app.gateway.call(orders.list_orders, party_id=party_id, with_items=True)
        except PermissionDenied:
            found = []
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._show_orders, found)

    def _show_orders(self, found: list[OrderRead]) -> None:
        table = self.query_one("#card-orders", DataTable)
        table.clear()
        for order in found:
            items = ", ".join(f"{item.quantity} × {item.product}" for item in order.items)
            state = order.state_name + (f": {order.cancel_reason}" if order.cancel_reason else "")
            table.add_row(*(_t(v) for v in (order.number, fmt_datetime(order.created_at), state, order.total_text,
                                            items)))

    @on(BillingStrip.Loaded)
    def billing_loaded(self, event: BillingStrip.Loaded) -> None:
        """A customer in debt says so in the card's title, whichever tab is open."""
        event.stop()
        debt = billing_views.debt_warning(event.block)
        if debt:
            self.query_one("#card-title", Label).update(f"{self.title_text} · ⚠ {debt}")

    @on(DataTable.RowSelected, "#card-inquiries")
    def inquiry_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:  # every row is keyed by its inquiry number
            self.app.push_screen(InquiryScreen(int(event.row_key.value)))

