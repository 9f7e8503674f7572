"""The Sales forms in the TUI (issue 26, item 7): N on the pipeline opens the form of a new opportunity (a
refused value under its field, what was typed kept; saved, it is selected in its stage's column), its details
list its activities and N there plans one about it; Alt+N on the customer card opens the form for that
customer; on a quote, a manual discount over the role's limit is
refused next to its item, and Y (confirmed) records that the customer accepted a sent quote, making an order."""

from __future__ import annotations

from decimal import Decimal

from helpers import demo_people, notices, settle
from test_tui import SIZE, _login
from textual.widgets import DataTable, Input, Label, Static

from crmterm.app import make_app
from crmterm.screens.customers.customers import CustomersPanel
from crmterm.screens.sales.activity_view import NewActivityScreen
from crmterm.screens.sales.opportunity_form import NewOpportunityScreen
from crmterm.screens.sales.opportunity_view import OpportunityScreen
from crmterm.screens.sales.pipeline import PipelineScreen
from crmterm.screens.sales.quote_view import QuoteScreen
from crmterm.services.sales import opportunities, quotes
from crmterm.store.db import unit_of_work
from crmterm.widgets.entry_form import EntryForm

NORD_QUOTE = 1  # the demo's first quote: the Nord group's draft office bundle (agent's)


def _error(screen, field: str) -> str:
    return str(screen.query_one(f"#e-{field}", Static).content)


async def test_a_new_opportunity_is_saved_into_its_column_and_plans_an_activity(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "agent", "agent")
        await pilot.press("alt+s")
        await settle(pilot)
        pipeline = pilot.app.screen
        assert isinstance(pipeline, PipelineScreen)
        await pilot.press("right", "right", "n")  # from the proposal column
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, NewOpportunityScreen)
        await pilot.press(*"Nord", "tab", *"Headquarters Wi-Fi", "tab", *"lots", "enter")
        await settle(pilot)
        assert "several found (#1 " in _error(form, "customer")  # the search names them with their numbers
        form.query_one("#f-customer", Input).value = "1"
        await pilot.press("enter")
        await settle(pilot)
        assert _error(form, "amount") == "expected a number"
        assert form.query_one("#f-title", Input).value == "Headquarters Wi-Fi"  # kept as typed
        form.query_one("#f-amount", Input).value = "125000"
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is pipeline
        made = pipeline.panel.selected()
        with unit_of_work(ui_settings.database_url) as session:
            deal = opportunities.get_opportunity(session=session, actor=demo_people(ui_settings.database_url)["agent"],
                                                 opportunity_id=made)
        assert (deal.title, deal.stage, deal.amount, deal.owner) == (
            "Headquarters Wi-Fi", "proposal", Decimal("125000.00"), "agent")
        assert pipeline.focused is not None and pipeline.focused.id == "stage-proposal"
        await pilot.press("i")
        await settle(pilot)
        details = pilot.app.screen
        assert isinstance(details, OpportunityScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(pilot.app.screen, NewActivityScreen)
        assert pilot.app.screen.query_one("#activity-opportunity", Input).value == str(made)
        await pilot.press(*"Survey the floors", "enter")
        await settle(pilot)
        planned = details.query_one("#opportunity-activities", DataTable)
        rows = [[str(cell) for cell in planned.get_row_at(n)][1:3] for n in range(planned.row_count)]
        assert ["Call", "Survey the floors"] in rows  # beside those the proposal stage's plan made
        await pilot.press("escape", "escape", "f3")  # back to the workspace: the customer card's Alt+N
        await settle(pilot)
        card = pilot.app.screen.query_one(CustomersPanel)
        card.open(1)
        await settle(pilot)
        await pilot.press("alt+n")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, NewOpportunityScreen) and form.query_one("#f-customer", Input).value == "1"
        assert form.query_one(EntryForm).values()["stage"] == "qualify"  # the process's first, read by the form


async def test_a_discount_over_the_limit_is_refused_next_to_its_item_and_the_accepted_quote_is_an_order(
        ui_settings):
    """Two flows in one app (the suite's time budget): the manual discount, then the customer's acceptance."""
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "agent", "agent")
        pilot.app.push_screen(QuoteScreen(NORD_QUOTE))
        await settle(pilot)
        screen = pilot.app.screen
        before = screen.quote.total
        await pilot.press("down", "d", "7", "enter")  # the demo agent may give 5 %
        await settle(pilot)
        refused = screen.table.get_row_at(1)[-1]
        assert str(refused).startswith("at most 5.00") and "red" in str(refused.style)
        assert str(screen.query_one("#quote-problem", Label).content).startswith("2. Static IP address: at most 5.00 %")
        assert screen.quote.total == before
        await pilot.press("d", "4", "comma", "5", "enter")
        await settle(pilot)
        assert screen.quote.lines[1].manual_discount == Decimal("4.50") and screen.quote.total < before
        assert str(screen.table.get_row_at(1)[-1]) == "✓" and not screen.query_one("#quote-problem").display
        await pilot.press("y")  # a draft: nothing to confirm yet
        await settle(pilot)
        assert screen.quote.state == "draft" and pilot.app.screen is screen
        await pilot.press("s", "enter")  # to the customer's own address, as proposed
        await settle(pilot)
        assert screen.quote.state == "sent"
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("y")  # yes, in the confirmation
        await settle(pilot)
        with unit_of_work(ui_settings.database_url) as session:
            found = quotes.get_quote(session=session, actor=demo_people(ui_settings.database_url)["agent"],
                                     quote_id=NORD_QUOTE)
        assert screen.quote.state == found.state == "accepted"
        assert any(n.message.startswith("Order O-") for n in notices(pilot.app))
