"""The customer card as of a past day in the TUI: the demo's Nord Logistics Novosibirsk was the dealer
SibTransLogistic until 3 March 2025; as of 1 January 2025 the card says so above today's form."""

from __future__ import annotations

from textual.widgets import Input, Static

from crmterm.app import make_app
from crmterm.screens.customers.customers import CustomersPanel
from helpers import press_and_settle, settle

SIZE = (120, 36)


async def _card_as_of(pilot, day: str) -> None:
    await settle(pilot)  # the app prepares the database first
    await pilot.click("#login")
    await press_and_settle(pilot, *"agent", "enter", *"agent", "enter")
    await press_and_settle(pilot, "f3", *"новосиб", "enter")
    await press_and_settle(pilot, "f5", *day, "enter")


async def test_the_card_as_of_a_past_day_shows_the_fields_then(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _card_as_of(pilot, "2025-01-01")
        panel = pilot.app.screen.query_one(CustomersPanel)
        assert "SibTransLogistic · v1 · as of Jan 1, 2025" in str(panel.query_one("#card-title").content)
        block = panel.query_one("#card-as-of", Static)
        shown = str(block.content)
        assert block.display and "Client category: Dealer / partner (since Nov 2, 2020) *" in shown
        assert "E-mail: office@sibtrans.example" in shown
        assert panel.query_one("#f-email", Input).value == "info13@nord.example"  # the form edits today's
        await press_and_settle(pilot, "f5", *("backspace",) * 10, "enter")  # empty: today
        assert not panel.query_one("#card-as-of", Static).display
        assert str(panel.query_one("#card-title").content) == "#13 Nord Logistics Novosibirsk · v1"


def test_the_card_as_of_a_past_day_looks(snap_compare, snapshot_settings):
    assert snap_compare(make_app(snapshot_settings), terminal_size=SIZE,
                        run_before=lambda pilot: _card_as_of(pilot, "2025-01-01"))
