"""A workspace tab is built when first opened (screens/shell/pending_tab.py), and the keys typed right after
the key that opens it land in the panel, in order, as if it had been there all along."""

from __future__ import annotations

from helpers import burst, settle, settle_until
from test_tui import SIZE, _login
from textual.widgets import Input, TabbedContent

from crmterm.app import make_app
from crmterm.screens.customers.customers import CustomersPanel
from crmterm.screens.queues.queues import QueuesPanel
from crmterm.screens.register.register import RegisterPanel
from crmterm.screens.shell.pending_tab import PendingTab


async def test_tabs_are_built_when_opened_and_keys_typed_meanwhile_land_in_them(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "agent", "agent")
        screen = pilot.app.screen
        assert screen.query(RegisterPanel) and not screen.query(CustomersPanel) and not screen.query(QueuesPanel)
        assert screen.query(PendingTab)  # the other tabs wait, each with its holder

        await burst(pilot, "f3", *"Nord")  # F3 and a name typed in one burst, before the tab stands
        await settle_until(pilot, lambda: screen.query_one(TabbedContent).active == "customers"
                           and not screen.query("#pending-customers"))
        search = screen.query_one("#customer-search", Input)
        assert search.value == "Nord" and pilot.app.focused is search

        await burst(pilot, "f4", *"12")  # back to a tab already built: nothing held, nothing lost
        await settle(pilot)
        assert screen.query_one("#reg-caller", Input).value == "12"
        assert len(screen.query(CustomersPanel)) == 1  # built once
