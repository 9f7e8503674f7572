"""One opportunity: its stage and probability, amount, expected close, owner, competitor and loss reason, the
stages it went through, and its quotes (Enter opens one). Opened with I from the pipeline."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label, Static

from crmterm.errors import CrmError
from crmterm.i18n import N_, _, fmt_datetime
from crmterm.screens.sales.quote_view import QuoteScreen
from crmterm.services.sales import opportunities, pricing, quotes
from crmterm.services.sales.opportunities import OpportunityRead
from crmterm.services.sales.quotes import QuoteSummary
from crmterm.text import visible
from crmterm.widgets.chrome import TranslatedFooter
from crmterm.widgets.host import CrmScreen


class OpportunityScreen(CrmScreen[None]):
    CSS_PATH = "sales.tcss"
    BINDINGS = [Binding("escape", "app.pop_screen", N_("Back"), id="opportunity.back")]

    def __init__(self, opportunity_id: int) -> None:
        super().__init__()
        self.opportunity_id = opportunity_id

    def compose(self) -> ComposeResult:
        yield Label(_("Opportunity: loading…"), id="opportunity-title", markup=False)
        yield Static("", id="opportunity-details", markup=False)
        yield DataTable(id="opportunity-quotes", cursor_type="row", zebra_stripes=True)
        yield TranslatedFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(_("Quote"), _("Revision"), _("State"), _("Valid until"), _("Total"))
        self._load()

    @work(thread=True, exclusive=True, group="opportunity")
    def _load(self) -> None:
        try:
            deal = self.app.gateway.call(opportunities.get_opportunity, opportunity_id=self.opportunity_id)
            found = self.app.gateway.call(quotes.list_quotes, party_id=deal.party_id)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._show, deal, [q for q in found if q.id in deal.quotes])

    def _show(self, deal: OpportunityRead, found: list[QuoteSummary]) -> None:
        title = f"#{deal.id} {visible(deal.title)} — {visible(deal.customer)}"
        self.query_one("#opportunity-title", Label).update(title)
        history = " → ".join(f"{h.stage} ({fmt_datetime(h.at, without_year=True)})" for h in deal.history)
        lines = [f"{_('Stage')}: {deal.stage_name} ({deal.probability} %), {deal.state}",
                 f"{_('Amount')}: {deal.amount_text or '—'} · {_('Expected close')}: {deal.expected_close or '—'}",
                 f"{_('Owner')}: {deal.owner or '—'} · {_('Competitor')}: {visible(deal.competitor) or '—'}",
                 f"{_('Loss reason')}: {visible(deal.loss_reason) or '—'}", history]
        self.query_one("#opportunity-details", Static).update("\n".join(lines))
        table = self.query_one(DataTable)
        table.clear()
        for quote in found:
            table.add_row(quote.number, str(quote.revision), quote.state, str(quote.valid_until),
                          pricing.money(quote.total, quote.currency), key=str(quote.id))
        table.focus()

    @on(DataTable.RowSelected, "#opportunity-quotes")
    def _open(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(QuoteScreen(int(event.row_key.value or 0)), self._quote_closed)

    def _quote_closed(self, _result: None) -> None:
        self._load()  # the quote may have changed: its state and total
