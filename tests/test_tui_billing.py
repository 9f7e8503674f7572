"""The billing block on the customer card (issue 28, item 2): the card opens, then the Contracts tab fills with
balance, overdue amount, services, last invoices and payments, and a customer in debt says so in the title.
Blacklist warnings (item 5) in the search results, the card's title and Register, for the demo's debtor."""

from __future__ import annotations

from textual.widgets import Static

from crmterm.app import make_app
from crmterm.screens.customers.customers import CustomersPanel
from crmterm.services.accounts.permissions import SYSTEM
from crmterm.services.billing import accounts, billing_demo
from crmterm.store.db import unit_of_work
from helpers import press_and_settle, settle

SIZE = (120, 36)


async def test_a_debtors_card_shows_the_debt_and_its_billing_block(ui_settings):
    with unit_of_work(ui_settings.database_url) as session:  # the copy of the demo leaves its billing behind
        billing_demo.seed_demo_billing(session=session, actor=SYSTEM)
    accounts.forget()
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click("#login")
        await press_and_settle(pilot, *"agent", "enter", *"agent", "enter")
        await press_and_settle(pilot, "f3", *"Норд Ритейл", "enter")
        panel = pilot.app.screen.query_one(CustomersPanel)
        for _round in range(50):  # the block arrives from its own worker
            if "debt" in str(panel.query_one("#card-title").content):
                break
            await pilot.pause(0.1)
        assert "#2 Nord Retail" in str(panel.query_one("#card-title").content)
        assert "⚠ debt RUB1,922.00" in str(panel.query_one("#card-title").content)
        shown = str(panel.query_one("#card-billing", Static).content)
        assert "Balance -RUB1,922.00 · overdue RUB1,922.00" in shown and "overdue" in shown
        assert "Payment PAY-2-" in shown and "Mobile Business" in shown


async def test_a_blacklisted_customer_is_flagged_in_search_on_the_card_and_in_register(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click("#login")
        await press_and_settle(pilot, *"agent", "enter", *"agent", "enter")
        await press_and_settle(pilot, "f3", *"C-00000020")
        panel = pilot.app.screen.query_one(CustomersPanel)
        hits = panel.query_one("#hits")
        assert str(hits.get_cell_at((0, 1))).startswith("⚠ ")
        await press_and_settle(pilot, "enter")
        assert "⚠ blacklisted (customer 20): non-payment" in str(panel.query_one("#card-title").content)
        await press_and_settle(pilot, "f4", *"C-00000020", "enter")
        warning = pilot.app.screen.query_one("#reg-blacklist", Static)
        assert warning.display and "blacklisted: non-payment" in str(warning.content)


async def test_a_supervisor_blacklists_the_open_customer_from_the_card(ui_settings):
    from crmterm.services.accounts.permissions import SYSTEM
    from crmterm.services.billing import blacklist

    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click("#login")
        await press_and_settle(pilot, *"supervisor", "enter", *"supervisor", "enter")
        await press_and_settle(pilot, "f3", *"C-00000016", "enter")
        await press_and_settle(pilot, "alt+x", *"Stolen passport", "enter")
        panel = pilot.app.screen.query_one(CustomersPanel)
        for _round in range(50):
            if "blacklisted" in str(panel.query_one("#card-title").content):
                break
            await pilot.pause(0.1)
        assert "⚠ blacklisted (customer 16): non-payment" in str(panel.query_one("#card-title").content)
    with unit_of_work(ui_settings.database_url) as session:
        entries = blacklist.list_entries(session=session, actor=SYSTEM, party_id=16)
    assert [(e.added_by, e.note, e.reason) for e in entries] == [("supervisor", "Stolen passport", "non_payment")]
