"""The Sales screens in the TUI (issue 26, item 7): Alt+S opens the pipeline as stage columns, Shift+Right moves
the selected opportunity to the next stage, Enter opens its quote, where A adds an item and the totals and the
configuration problems follow at once; I shows the opportunity with its quotes."""

from __future__ import annotations

from helpers import demo_people, settle
from sqlmodel import select
from test_tui import SIZE, _login
from textual.widgets import DataTable, Label, OptionList, Static

from crmterm.app import make_app
from crmterm.screens.sales.opportunity_view import OpportunityScreen
from crmterm.screens.sales.pipeline import PipelineScreen
from crmterm.screens.sales.quote_view import QuoteScreen
from crmterm.services.sales import opportunities
from crmterm.store.db import unit_of_work


async def test_the_pipeline_moves_an_opportunity_and_its_quote_is_edited_live(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "agent", "agent")
        await pilot.press("alt+s")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, PipelineScreen)
        assert [c.code for c in screen.panel.pipeline.columns] == ["qualify", "needs", "proposal", "negotiation"]
        first = screen.panel.selected()
        await pilot.press("shift+right")
        await settle(pilot)
        with unit_of_work(ui_settings.database_url) as session:
            moved = opportunities.get_opportunity(session=session, actor=demo_people(ui_settings.database_url)["agent"],
                                                  opportunity_id=first)
        assert moved.stage == "needs" and screen.panel.selected() == first  # it stays selected in its new column
        await pilot.press("right")  # the proposal column: the Nord group's draft bundle
        proposal = screen.query_one("#stage-proposal", OptionList)
        proposal.focus()
        proposal.highlighted = next(i for i, o in enumerate(proposal.options) if "Nord" in str(o.prompt))
        await pilot.press("enter")
        await settle(pilot)
        quote = pilot.app.screen
        assert isinstance(quote, QuoteScreen) and quote.quote.state == "draft"
        before = quote.quote.total
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"internet_100", "enter")
        await settle(pilot)
        added = quote.quote.lines[-1]
        assert added.product == "internet_100" and quote.quote.total > before
        assert added.problems == ["cannot be combined with internet_500"]  # the bundle's own internet
        assert "cannot be com" in str(quote.table.get_row_at(len(quote.quote.lines) - 1)[-1])  # its start,
        assert str(quote.query_one("#quote-problem", Label).content).endswith(  # and in full under the items
            ": cannot be combined with internet_500")
        assert quote.quote.total_text in str(quote.query_one("#quote-totals", Static).content)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("i")  # the Nord deal is still selected: its details and its one quote
        await settle(pilot)
        details = pilot.app.screen
        assert isinstance(details, OpportunityScreen) and details.query_one(DataTable).row_count == 1
        assert "Nord Group" in str(details.query_one("#opportunity-title", Label).content)


async def test_the_customer_card_lists_the_customers_orders(ui_settings):
    """Issue 26, item 5: an accepted quote's order on its customer's card, with its state on the route."""
    from test_sales_orders import _accepted
    from test_tui_customers import _open_customers

    from crmterm.store import SalesOrder

    number = _accepted(ui_settings.database_url, demo_people(ui_settings.database_url)["agent"])
    with unit_of_work(ui_settings.database_url) as session:
        party = session.exec(select(SalesOrder.party_id).where(SalesOrder.number == number)).one()
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _open_customers(pilot)
        panel.open(party)
        await settle(pilot)
        table = panel.query_one("#card-orders", DataTable)
        assert [str(cell) for cell in table.get_row_at(0)][:3:2] == [number, "Approval"]


async def test_a_shown_sales_tab_holds_the_pipeline_and_alt_s_goes_to_it(ui_settings):
    """The Sales tab is offered hidden (80 columns hold the others); shown through one's workspace, Alt+S opens
    it instead of the screen, built when first opened, and its keys move deals as on the screen."""
    from textual.widgets import TabbedContent

    from crmterm.screens.sales.pipeline import PipelinePanel
    from crmterm.services.accounts import workspace

    agent = demo_people(ui_settings.database_url)["agent"]
    with unit_of_work(ui_settings.database_url) as session:
        layout = workspace.get_workspace(session=session, actor=agent).layout
        assert "sales" in layout.hidden_tabs and "sales" not in layout.tabs  # the default
        shown = layout.model_dump() | {"tabs": [*layout.tabs, "sales"], "hidden_tabs": []}
        workspace.set_workspace(session=session, actor=agent, layout=shown)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "agent", "agent")
        assert not pilot.app.screen.query(PipelinePanel)
        await pilot.press("alt+s", "shift+right")  # the move typed before the tab stands lands in it
        await settle(pilot)
        screen = pilot.app.screen
        assert screen.query_one(TabbedContent).active == "sales"
        panel = screen.query_one(PipelinePanel)
        assert panel.pipeline is not None and [c.code for c in panel.pipeline.columns][0] == "qualify"
        moved = panel.selected()
    with unit_of_work(ui_settings.database_url) as session:
        assert opportunities.get_opportunity(session=session, actor=agent, opportunity_id=moved).stage == "needs"
