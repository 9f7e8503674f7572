"""What the keys do to the customer shown on the card: a new one (Ctrl+N) and saving the details form
(Ctrl+S); move (F6), merge (F7), convert a lead (F8); erase its personal data (Alt+E), blacklist it (Alt+X),
record a promised payment (Alt+M), a new opportunity (Alt+N). The dialogs answer a service request, run here
off the UI thread; the card reloads when it worked. A mix-in of CustomersPanel (customers.py), whose
BINDINGS hold the keys: a mix-in's own bindings would not count (see widgets/host)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.binding import Binding
from textual.widgets import Select, TabbedContent

from crmterm.errors import CrmError
from crmterm.i18n import N_, _
from crmterm.screens.customers.customer_card import CustomerCard
from crmterm.screens.customers.customer_dialogs import (
    BlacklistDialog,
    EraseDialog,
    MergeDialog,
    MoveDialog,
    ServiceRequest,
)
from crmterm.screens.customers.promise_dialog import PromiseDialog
from crmterm.services.accounts.permissions import Permission
from crmterm.services.customers import customers
from crmterm.widgets.entry_form import EntryForm
from crmterm.widgets.host import WidgetPart

# Alt keys, so a focused text field keeps its letters; `priority`: before a focused field sees the key at all
ERASE_BINDING = Binding("alt+e", "erase", N_("Erase personal data"), id="customers.erase", show=False)
BLACKLIST_BINDING = Binding("alt+x", "blacklist", N_("Blacklist the customer"), id="customers.blacklist",
                            show=False, priority=True)
PROMISE_BINDING = Binding("alt+m", "promise", N_("Record a promised payment"), id="customers.promise", show=False,
                          priority=True)
NEW_OPPORTUNITY_BINDING = Binding("alt+n", "new_opportunity", N_("New opportunity"), id="customers.new_opportunity",
                                  show=False, priority=True)  # issue 26: a sale to the customer shown


class CardActions(WidgetPart):
    """The card's actions; CustomersPanel sets the state below and gives `open`."""

    party_id: int | None  # the customer shown; None: none, or a new one being typed
    party_name: str  # its name, which the erasure dialog repeats
    version: int | None  # its version as loaded, which a save must still find

    if TYPE_CHECKING:
        def open(self, party_id: int) -> None: ...  # (re)load the card of a customer

    def action_new(self) -> None:
        self.party_id, self.version = None, None
        self.query_one(CustomerCard).show(None, [])
        self.query_one("#card-tabs", TabbedContent).active = "tab-details"
        self.query_one(EntryForm).focus_first()

    def action_save(self) -> None:
        form = self.query_one(EntryForm)
        form.clear_errors()
        self.save(self.party_id, self.version, form.values())

    @work(thread=True, exclusive=True, group="customer-save")
    def save(self, party_id: int | None, version: int | None, values: dict) -> None:
        gateway = self.app.gateway
        try:
            if party_id is None:
                saved = gateway.change(customers.create_party, values=values)
            else:
                saved = gateway.change(customers.update_party, party_id=party_id, values=values,
                                       expected_version=version)
        except CrmError as error:
            self.app.call_from_thread(self.show_error, error)
            return
        self.app.call_from_thread(self.saved, saved.id)

    def saved(self, party_id: int, done: str | None = None) -> None:
        self.app.notify(done or _("Customer #{id} saved").format(id=party_id))
        self.open(party_id)

    def show_error(self, error: CrmError) -> None:
        self.query_one(EntryForm).show_refusal(error)

    def action_move(self) -> None:
        if self.party_id is None:
            return
        structure = self.query_one("#structure-choice", Select).value
        self.app.push_screen(MoveDialog(self.party_id, structure if isinstance(structure, str) else None),
                             self._run_dialog)

    def action_merge(self) -> None:
        if self.party_id is not None:
            self.app.push_screen(MergeDialog(self.party_id), self._run_dialog)

    def action_blacklist(self) -> None:
        if self.party_id is not None:
            self.app.push_screen(BlacklistDialog(self.party_id), self._run_dialog)

    def action_promise(self) -> None:
        if self.party_id is not None:
            self.app.push_screen(PromiseDialog(self.party_id), self._run_dialog)

    def action_convert_lead(self) -> None:
        if self.party_id is not None:
            self._run_dialog((customers.convert_lead, {"party_id": self.party_id}))

    def action_new_opportunity(self) -> None:
        """The pipeline's form (sales screens), with this customer filled in."""
        from crmterm.screens.sales.opportunity_form import NewOpportunityScreen

        def made(found) -> None:
            if found is not None:
                self.app.notify(_("{title}: {stage}").format(title=found.title, stage=found.stage_name))

        if self.party_id is not None:
            self.app.push_screen(NewOpportunityScreen(customer=self.party_id), made)

    def action_erase(self) -> None:
        if self.party_id is None:
            return
        if not self.app.gateway.can(Permission.CUSTOMERS_ERASE):
            self.app.notify(_("Only an administrator may erase a customer's personal data"), severity="warning")
            return
        self.app.push_screen(EraseDialog(self.party_id, self.party_name), self._run_dialog)

    def _run_dialog(self, request: ServiceRequest | None) -> None:
        if request:
            self._change(*request)

    @work(thread=True, exclusive=True, group="customer-save")
    def _change(self, service, kwargs: dict, done: str | None = None) -> None:
        """`done`: what to say when it worked (else "saved")."""
        try:
            self.app.gateway.change(service, **kwargs)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error", timeout=8)
            return
        self.app.call_from_thread(self.saved, self.party_id, done)
