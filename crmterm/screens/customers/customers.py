"""Customers tab: search (results as you type, in a worker; stale answers dropped), a lazily loaded structure
tree (structure_branch.py), and the card. Create, edit, move, merge and convert leads from the keyboard
(card_actions.py)."""

from __future__ import annotations

from datetime import date

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.widgets import Checkbox, DataTable, Input, Select, Tree

from crmterm.errors import CrmError
from crmterm.i18n import N_, _, current_language
from crmterm.screens.admin.admin_areas import DirectoryArea
from crmterm.screens.customers.card_actions import (
    BLACKLIST_BINDING,
    ERASE_BINDING,
    NEW_OPPORTUNITY_BINDING,
    PROMISE_BINDING,
    CardActions,
)
from crmterm.screens.customers.customer_card import CustomerCard
from crmterm.screens.customers.structure_branch import StructureBranch
from crmterm.screens.retention.churn_badge import churn_words
from crmterm.services.accounts.workspace import LISTS
from crmterm.services.customers import customer_search, customer_views, notes
from crmterm.services.directory.registry import KINDS
from crmterm.services.retention import churn
from crmterm.widgets.entry_form import EntryForm
from crmterm.widgets.layout import shown_columns
from crmterm.widgets.safe_text import plain

PAGE = 50
HIT_COLUMNS = LISTS["customers"]


class CustomersPanel(CardActions, StructureBranch, Horizontal):  # mix-ins are no widgets: Horizontal's CSS stays
    BINDINGS = [
        Binding("ctrl+f", "focus_search", N_("Search"), id="customers.search"),
        Binding("ctrl+n", "new", N_("New customer"), id="customers.new"),
        Binding("ctrl+s", "save", N_("Save"), id="customers.save"),
        Binding("f5", "as_of", N_("As of"), id="customers.as_of"),
        Binding("f6", "move", N_("Move"), id="customers.move"),
        Binding("f7", "merge", N_("Merge"), id="customers.merge"),
        Binding("f8", "convert_lead", N_("Convert lead"), id="customers.convert_lead"),
        ERASE_BINDING, BLACKLIST_BINDING, PROMISE_BINDING,
        Binding("down", "to_results", show=False),
        NEW_OPPORTUNITY_BINDING,
    ]

    def __init__(self, state: dict | None = None) -> None:
        super().__init__(id="customers-panel")
        self._initial = state or {}  # what to show again after a language switch
        self.query_text = ""
        self.cursor: str | None = None  # keyset cursor of the last hit shown
        self._details: dict[int, str] = {}  # each shown hit's details, which a churn badge goes in front of
        self.party_id: int | None = None
        self.party_name = ""
        self.version: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="customers-left"):
            yield Input(id="customer-search", placeholder=_("Name, phone, contract or id…"), compact=True)
            yield DataTable(id="hits", cursor_type="row", zebra_stripes=True)
            yield Select([], id="structure-choice", prompt=_("Structure"), compact=True)
            yield Tree(plain(_("Structure")), id="structure-tree")
        with Vertical(id="customers-right"):
            yield Input(id="as-of", placeholder=_("As of date (YYYY-MM-DD), empty: today"), compact=True)
            yield CustomerCard(id="card")

    def on_mount(self) -> None:
        table = self.query_one("#hits", DataTable)
        labels = HIT_COLUMNS[1]  # "Phone · contract · region": namesakes differ there
        for key in shown_columns(self.app, "customers"):  # the user's own choice and order (their workspace)
            table.add_column(_(labels[key]) if key != "id" else labels[key], key=key)
        self.query_one("#structure-tree", Tree).show_root = False
        self.load_structures()
        self.load_categories()
        if self._initial.get("query"):
            self.query_one("#customer-search", Input).value = self._initial["query"]
        if self._initial.get("party_id"):
            self.open(self._initial["party_id"])

    def state(self) -> dict:
        return {"query": self.query_text, "party_id": self.party_id}

    # --- search ------------------------------------------------------------------------------------
    @on(Input.Changed, "#customer-search")
    def search_changed(self, event: Input.Changed) -> None:
        self.query_text, self.cursor = event.value, None
        self.run_search(event.value, None)

    @work(thread=True, exclusive=True, group="customer-search")
    def run_search(self, text: str, after: str | None) -> None:
        try:
            hits = self.app.gateway.call(customer_search.search, query=text, limit=PAGE, after=after)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self.show_hits, text, after, hits)

    def show_hits(self, text: str, after: str | None, hits: list) -> None:
        if text != self.query_text:
            return  # the user typed on: this answer is for an older query
        table = self.query_one("#hits", DataTable)
        if after is None:
            table.clear()
        for hit in hits:
            if str(hit.id) not in table.rows:
                name = hit.names.get(current_language()) or hit.display_name
                name = f"⚠ {name}" if hit.blacklisted else name  # the card says why
                self._details[hit.id] = " · ".join(p for p in (hit.phone, hit.contract, hit.region) if p)
                cells = {"id": str(hit.id), "name": plain(name), "matched": _(hit.matched),
                         "details": plain(self._details[hit.id])}
                table.add_row(*(cells[str(key.value)] for key in table.columns), key=str(hit.id))
        self.cursor = hits[-1].cursor if len(hits) == PAGE else None
        if hits:
            self._load_risks(text, [hit.id for hit in hits])

    @work(thread=True, group="customer-risks")
    def _load_risks(self, text: str, party_ids: list[int]) -> None:
        """The churn badges of a page of results, after it is shown (the results never wait for them)."""
        try:
            risks = self.app.gateway.call(churn.risks, party_ids=party_ids)
        except CrmError:
            return  # the card shows the risk, or says why it cannot
        self.app.call_from_thread(self._show_risks, text, risks)

    def _show_risks(self, text: str, risks: dict) -> None:
        table = self.query_one("#hits", DataTable)
        if text != self.query_text or "details" not in table.columns:
            return
        for party_id, risk in risks.items():
            badge = churn_words(risk)
            if badge and str(party_id) in table.rows:
                shown = " · ".join(p for p in (badge, self._details.get(party_id, "")) if p)
                table.update_cell(str(party_id), "details", plain(shown))

    def action_to_results(self) -> None:
        """Down from the search box goes to the results (Input has no use for it)."""
        if self.app.focused is self.query_one("#customer-search", Input):
            self.query_one("#hits", DataTable).focus()

    @on(Input.Submitted, "#customer-search")
    def open_first(self) -> None:
        table = self.query_one("#hits", DataTable)
        if table.row_count:
            table.focus()
            self._open_row(table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value)

    @on(DataTable.RowHighlighted, "#hits")
    def near_the_end(self, event: DataTable.RowHighlighted) -> None:
        table = event.data_table
        if self.cursor and event.cursor_row >= table.row_count - 5:
            cursor, self.cursor = self.cursor, None
            self.run_search(self.query_text, cursor)  # next keyset page

    @on(DataTable.RowSelected, "#hits")
    def open_hit(self, event: DataTable.RowSelected) -> None:
        self._open_row(event.row_key.value)

    def _open_row(self, key: str | None) -> None:
        if key is not None:  # every hit is keyed by its customer id
            self.open(int(key))

    # --- the card ----------------------------------------------------------------------------------
    def open(self, party_id: int) -> None:
        self.party_id = party_id
        self.load_card(party_id, self._as_of())

    def _as_of(self) -> date | None:
        text = self.query_one("#as-of", Input).value.strip()
        try:
            return date.fromisoformat(text) if text else None
        except ValueError:
            self.app.notify(_("As of: expected a date YYYY-MM-DD"), severity="error")
            return None

    @work(thread=True, exclusive=True, group="customer-card")
    def load_card(self, party_id: int, as_of: date | None) -> None:
        try:
            card, changes = self.app.gateway.call(customer_views.card_with_history, party_id=party_id, as_of=as_of)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self.show_card, card, changes)

    def show_card(self, card, changes) -> None:
        if card.party.id != self.party_id:
            return
        self.version, self.party_name = card.party.version, card.party.display_name
        self.query_one(CustomerCard).show(card, changes)
        hits = self.query_one("#hits", DataTable)
        if str(card.party.id) in hits.rows:  # a rename or an erasure shows in the results at once
            hits.update_cell(str(card.party.id), "name", plain(card.party.name_in(current_language())))
        self.load_branch()

    @on(Input.Submitted, "#as-of")
    def as_of_changed(self) -> None:
        if self.party_id is not None:
            self.open(self.party_id)

    # --- lookups and the structure tree's messages ----------------------------------------------------
    @work(thread=True, group="customer-lookups")
    def load_categories(self) -> None:
        options = DirectoryArea(KINDS["client_categories"]).options(self.app.gateway, "client_categories")
        self.app.call_from_thread(self._set_categories, options)

    def _set_categories(self, options: list) -> None:
        forms = self.query(EntryForm)  # none when the card's form was closed while the options loaded
        if forms:
            forms.first().set_options("category", options)

    @on(Select.Changed, "#structure-choice")
    def structure_changed(self) -> None:
        self.load_branch()

    @on(Tree.NodeExpanded, "#structure-tree")
    def branch_expanded(self, event: Tree.NodeExpanded) -> None:
        data = event.node.data or {}
        if data.get("id") and not data.get("loaded"):
            data["loaded"] = True
            self._load_children(event.node, self.query_one("#structure-choice", Select).value, data["id"])

    @on(Tree.NodeSelected, "#structure-tree")
    def tree_open(self, event: Tree.NodeSelected) -> None:
        data = event.node.data or {}
        if data.get("id"):
            self.open(data["id"])

    # --- actions -----------------------------------------------------------------------------------
    def action_focus_search(self) -> None:
        self.query_one("#customer-search", Input).focus()

    def action_as_of(self) -> None:
        self.query_one("#as-of", Input).focus()

    @on(Input.Submitted, "#new-note")
    def add_note(self, event: Input.Submitted) -> None:
        if self.party_id is not None and event.value.strip():
            event.input.value = ""
            public = self.query_one("#new-note-public", Checkbox)
            self._change(notes.add_note, {"kind": "customer", "target_id": self.party_id, "text": event.value,
                                          "public": public.value})
            public.value = False
