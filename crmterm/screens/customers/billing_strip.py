"""The billing block of the customer card (Contracts tab): balance, overdue amount, credit limit, services,
the last invoices and payments — loaded in its own worker after the card, so a slow or absent billing never
holds the card up (services/billing/accounts bounds the wait and says "unavailable since …")."""

from __future__ import annotations

from textual import work
from textual.message import Message
from textual.widgets import Static

from crmterm.i18n import _
from crmterm.services.billing import accounts, billing_views
from crmterm.services.billing.accounts import BillingBlock
from crmterm.text import visible
from crmterm.widgets.host import WidgetPart

SHOWN = 3  # invoices and payments: the contracts below keep their room (`crmterm billing show` lists more)


class BillingStrip(Static, WidgetPart):  # WidgetPart after Static, whose CSS the strip keeps
    class Loaded(Message):
        """The block arrived (the card adds a debt warning to its title)."""

        def __init__(self, block: BillingBlock) -> None:
            super().__init__()
            self.block = block

    party_id: int | None = None

    def load(self, party_id: int | None) -> None:
        self.party_id = party_id
        self.update(_("Billing: loading…") if party_id is not None else "")
        if party_id is not None:
            self._read(party_id)

    @work(thread=True, exclusive=True, group="card-billing")
    def _read(self, party_id: int) -> None:
        try:
            block = self.app.gateway.call(accounts.get_account, party_id=party_id)
        except Exception as error:  # noqa: BLE001 - the card stays usable; the strip says what went wrong
            self.app.call_from_thread(self.update, visible(_("Billing: {problem}").format(problem=error)))
            return
        self.app.call_from_thread(self._show, block)

    def _show(self, block: BillingBlock) -> None:
        if block.party_id != self.party_id:  # another customer was opened meanwhile
            return
        self.update(visible("\n".join([billing_views.summary(block), *billing_views.detail_lines(block, SHOWN)])))
        self.post_message(self.Loaded(block))
