"""Labels, not codes, on the screens (issue 19 item 7): the customer card names the kind, status, structures
and changed fields; driven as an agent would (Pilot, the seeded demo database)."""

from __future__ import annotations

from helpers import settle
from test_tui_customers import SIZE, _open_customers
from textual.widgets import Select, Static

from crmterm.app import make_app
from crmterm.i18n import set_language
from crmterm.screens.customers.customers import CustomersPanel


async def _open_khimki(pilot) -> CustomersPanel:
    panel = await _open_customers(pilot)
    await pilot.press(*"склад хим", "enter")
    await settle(pilot)
    return panel


async def test_the_card_names_kind_and_status_not_their_codes(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _open_khimki(pilot)
        kind, status = panel.query_one("#f-kind", Select), panel.query_one("#f-status", Select)
        assert kind.value == "organisation" and status.value == "active"  # the codes stay the values
        shown = {str(label) for label, _value in kind._options}  # what the list offers
        assert {"Person", "Organisation"} <= shown and "organisation" not in shown
        assert {str(label) for label, _value in status._options} >= {"Active", "Closed"}


async def test_the_card_names_structures_in_the_users_language(ui_settings):
    try:
        async with make_app(ui_settings).run_test(size=SIZE) as pilot:
            panel = await _open_khimki(pilot)
            await pilot.app.switch_language("ru")
            await settle(pilot)
            panel = pilot.app.screen.query_one(CustomersPanel)
            shown = str(panel.query_one("#card-structures", Static).content)
            assert "Организационная структура:" in shown and "organisation:" not in shown
    finally:
        set_language("en")
