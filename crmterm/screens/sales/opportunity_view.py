"""One opportunity: its stage and probability, amount, expected close, owner, competitor and loss reason, the
stages it went through, its quotes (Enter opens one) and its activities — time, kind, title, outcome, overdue
ones in the error colour (Enter opens one, N plans a new one about this opportunity). Tab goes from the quotes
to the activities. Opened with I from the pipeline."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label, Static

from crmterm.errors import CrmError
from crmterm.i18n import N_, _, fmt_datetime
from crmterm.screens.sales.activity_view import KIND_LABELS, ActivityScreen, NewActivityScreen
from crmterm.screens.sales.quote_view import QuoteScreen
from crmterm.services.customers import structures
from crmterm.services.sales import activities, opportunities, pricing, quotes
from crmterm.services.sales.activities import ActivityRead
from crmterm.services.sales.opportunities import OpportunityRead
from crmterm.services.sales.quotes import QuoteSummary
from crmterm.text import visible
from crmterm.widgets.chrome import TranslatedFooter
from crmterm.widgets.host import CrmScreen


def _activity_state(found: ActivityRead) -> Text:
    """Overdue in the error colour (and said in words, not by colour alone); a done one with its outcome."""
    if found.overdue:
        return Text(_("overdue"), style="bold red")
    if found.state == activities.DONE:
        return Text(f"{_('done')}: {visible(found.outcome)}" if found.outcome else _("done"), style="dim")
    return Text(_("open"))


class OpportunityScreen(CrmScreen[None]):
    CSS_PATH = "sales.tcss"
    BINDINGS = [Binding("escape", "app.pop_screen", N_("Back"), id="opportunity.back"),
                Binding("n", "new_activity", N_("New activity"), id="opportunity.new_activity")]

    def __init__(self, opportunity_id: int) -> None:
        super().__init__()
        self.opportunity_id = opportunity_id
        self.activities: list[ActivityRead] = []

    def compose(self) -> ComposeResult:
        yield Label(_("Opportunity: loading…"), id="opportunity-title", markup=False)
        yield Static("", id="opportunity-details", markup=False)
        yield DataTable(id="opportunity-quotes", cursor_type="row", zebra_stripes=True)
        yield DataTable(id="opportunity-activities", cursor_type="row", zebra_stripes=True)
        yield TranslatedFooter()

    def on_mount(self) -> None:
        quotes_table = self.query_one("#opportunity-quotes", DataTable)
        quotes_table.border_title = _("Quotes")
        quotes_table.add_columns(_("Quote"), _("Revision"), _("State"), _("Valid until"), _("Total"))
        planned = self.query_one("#opportunity-activities", DataTable)
        planned.border_title = _("Activities")
        planned.add_columns(_("When"), _("Kind"), _("Title"), _("State"))
        self._load()

    @work(thread=True, exclusive=True, group="opportunity")
    def _load(self) -> None:
        try:
            deal = self.app.gateway.call(opportunities.get_opportunity, opportunity_id=self.opportunity_id)
            found = self.app.gateway.call(quotes.list_quotes, party_id=deal.party_id)
            planned = self.app.gateway.call(activities.list_activities, opportunity_id=self.opportunity_id)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._show, deal, [q for q in found if q.id in deal.quotes], planned)

    def _show(self, deal: OpportunityRead, found: list[QuoteSummary], planned: list[ActivityRead]) -> None:
        title = f"#{deal.id} {visible(deal.title)} — {visible(deal.customer)}"
        self.query_one("#opportunity-title", Label).update(title)
        history = " → ".join(f"{h.stage} ({fmt_datetime(h.at, without_year=True)})" for h in deal.history)
        lines = [f"{_('Stage')}: {deal.stage_name} ({deal.probability} %), {deal.state}",
                 f"{_('Amount')}: {deal.amount_text or '—'} · {_('Expected close')}: {deal.expected_close or '—'}",
                 f"{_('Owner')}: {deal.owner or '—'} · {_('Competitor')}: {visible(deal.competitor) or '—'}",
                 f"{_('Loss reason')}: {visible(deal.loss_reason) or '—'}", history]
        self.query_one("#opportunity-details", Static).update("\n".join(lines))
        table = self.query_one("#opportunity-quotes", DataTable)
        table.clear()
        for quote in found:
            table.add_row(quote.number, str(quote.revision), quote.state, str(quote.valid_until),
                          pricing.money(quote.total, quote.currency), key=str(quote.id))
        self._show_activities(planned)
        if not (self.focused and self.focused.id == "opportunity-activities"):
            table.focus()

    def _show_activities(self, planned: list[ActivityRead]) -> None:
        self.activities = planned
        table = self.query_one("#opportunity-activities", DataTable)
        row = table.cursor_row
        table.clear()
        for found in planned:
            table.add_row(fmt_datetime(found.starts_at, without_year=True), _(KIND_LABELS[found.kind]),
                          visible(found.title), _activity_state(found), key=str(found.id))
        if planned:
            table.move_cursor(row=min(row, len(planned) - 1))

    @on(DataTable.RowSelected, "#opportunity-quotes")
    def _open(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(QuoteScreen(int(event.row_key.value or 0)), self._reload_after)

    @on(DataTable.RowSelected, "#opportunity-activities")
    def _open_activity(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(ActivityScreen(int(event.row_key.value or 0)), self._activity_closed)

    def _activity_closed(self, _opportunity_id: int | None) -> None:
        """O in the activity: its opportunity is this one, shown again as it is now."""
        self._load()

    def action_new_activity(self) -> None:
        def made(activity_id: int | None) -> None:
            if activity_id:
                self.query_one("#opportunity-activities", DataTable).focus()
                self._load()

        self.app.push_screen(NewActivityScreen(structures.today(), self.opportunity_id), made)

    def _reload_after(self, _result: None) -> None:
        self._load()  # the quote or activity may have changed: its state and total, its outcome
