"""The card's Contracts tab with the billing block at 80×24 (issue 28, item 2): a demo debtor, its balance,
overdue amount and services, the last invoices and payments. The demo billing is filled as of a fixed day, so
the picture does not change with the calendar. Update deliberately: --snapshot-update, then look at it."""

from __future__ import annotations

from datetime import date

from textual.widgets import TabbedContent

from crmterm.app import make_app
from crmterm.services.accounts.permissions import SYSTEM
from crmterm.services.billing import accounts, billing_demo
from crmterm.store.db import unit_of_work
from helpers import press_and_settle, settle
from test_snapshots import _login

SMALL = (80, 24)


def test_card_billing_small(snap_compare, snapshot_settings):
    with unit_of_work(snapshot_settings.database_url) as session:
        billing_demo.seed_demo_billing(session=session, actor=SYSTEM, today=date(2026, 11, 20))
    accounts.forget()

    async def run(pilot):
        await _login(pilot, "agent")
        await press_and_settle(pilot, "f3", *"Nord Retail", "enter")
        pilot.app.screen.query_one("#card-tabs", TabbedContent).active = "tab-contracts"
        for _round in range(50):  # the block arrives from its own worker
            if "debt" in str(pilot.app.screen.query_one("#card-title").content):
                break
            await pilot.pause(0.1)
        await settle(pilot)

    assert snap_compare(make_app(snapshot_settings), terminal_size=SMALL, run_before=run)
