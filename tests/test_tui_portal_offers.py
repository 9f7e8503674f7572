"""The portal's offers in the TUI (issue 25 follow-up 2): an admin opens "Portal offers" from the Admin tab,
offers a topic with an internal attribute and withdraws another by keyboard. One picture at 80×24; update it
deliberately (--snapshot-update, then look)."""

from __future__ import annotations

import pytest

from crmterm.app import make_app
from crmterm.errors import ValidationError
from crmterm.screens.admin.portal_offers import PortalOffersScreen, parse_params
from crmterm.services.portal import offers
from crmterm.store.db import unit_of_work
from helpers import ADMIN, press_and_settle, settle_until
from test_snapshots import _login


async def _open_offers(pilot) -> PortalOffersScreen:
    await _login(pilot, "admin")
    await press_and_settle(pilot, "f10", "end", "up", "up", "enter")  # Roles and Scripts are below it
    await settle_until(pilot, lambda: isinstance(pilot.app.screen, PortalOffersScreen) and pilot.app.screen.found)
    return pilot.app.screen


def _offered(url: str) -> list[tuple[str, str, str]]:
    with unit_of_work(url) as session:
        return [(row.kind, row.code, row.detail) for row in offers.list_offers(session=session, actor=ADMIN)]


def test_portal_offers_screen(snap_compare, snapshot_settings):
    """The demo's two topics and its balance function, the first topic's form."""
    async def run(pilot):
        await _open_offers(pilot)
    assert snap_compare(make_app(snapshot_settings), terminal_size=(80, 24), run_before=run)


async def test_an_admin_offers_a_topic_and_withdraws_another_by_keyboard(ui_settings):
    url = ui_settings.database_url
    async with make_app(ui_settings).run_test(size=(100, 30)) as pilot:
        screen = await _open_offers(pilot)
        await press_and_settle(pilot, "ctrl+n", *"refund", "tab", *"amount", "ctrl+s")
        await settle_until(pilot, lambda: "topic:refund" in screen.found)
        screen.query_one("#po-list").focus()
        screen.query_one("#po-list").highlighted = list(screen.found).index("topic:invoice_copy")
        await press_and_settle(pilot, "alt+d")
        await settle_until(pilot, lambda: "topic:invoice_copy" not in screen.found)
    assert _offered(url) == [("topic", "disputed_charge", "approval_reference"), ("topic", "refund", "amount"),
                             ("function", "send_balance_sms", "balance_inquiry")]


def test_parameters_are_typed_as_key_value_pairs():
    assert parse_params("currency=RUB, balance = 250.00") == {"balance": "250.00", "currency": "RUB"}
    with pytest.raises(ValidationError):
        parse_params("balance")
