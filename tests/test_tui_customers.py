"""Customers tab, driven like an agent would: search → open card → edit → history; conflicts; the tree."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Tree

from crmterm.app import make_app
from crmterm.screens.customers.customers import CustomersPanel
from crmterm.services.customers import customers
from crmterm.store.db import unit_of_work
from helpers import ADMIN, notices, settle, settle_until

SIZE = (120, 36)


async def _open_customers(pilot, login: str = "agent") -> CustomersPanel:
    await settle(pilot)
    await pilot.click("#login")
    await pilot.press(*login, "enter", *login, "enter")
    await settle(pilot)
    await pilot.press("f3")
    await settle(pilot)
    return pilot.app.screen.query_one(CustomersPanel)


async def test_search_open_edit_and_see_history(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _open_customers(pilot)
        await pilot.press(*"склад хим")
        await settle(pilot)
        hits = panel.query_one("#hits", DataTable)
        assert hits.row_count == 1
        await pilot.press("enter")  # opens the first hit
        await settle(pilot)
        assert panel.party_id == 5 and "Khimki" in str(panel.query_one("#card-title").content)
        email = panel.query_one("#f-email", Input)
        email.value = "khimki@nord.example"
        await pilot.press("ctrl+s")
        await settle(pilot)
        with unit_of_work(ui_settings.database_url) as session:
            assert customers.get_party(session, 5).email == "khimki@nord.example"
        history = panel.query_one("#card-history", DataTable)
        fields = [str(history.get_row_at(i)[2]) for i in range(history.row_count)]
        assert "E-mail" in fields  # the field's name on the form, not its code
        assert panel.version == 2


async def test_stale_edit_is_refused_with_who_changed_it(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _open_customers(pilot)
        panel.open(2)
        await settle(pilot)
        with unit_of_work(ui_settings.database_url) as session:  # someone else saves meanwhile
            customers.update_party(session=session, actor=ADMIN, party_id=2, values={"status": "closed"},
                                   expected_version=None)
        panel.query_one("#f-email", Input).value = "mine@nord.example"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert any("Changed by admin" in str(n.message) for n in notices(pilot.app))
        assert panel.query_one("#f-email", Input).value == "mine@nord.example"  # nothing typed is lost


async def test_bad_phone_is_shown_next_to_the_field(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _open_customers(pilot)
        await pilot.press("ctrl+n", *"Новый Клиент")
        panel.query_one("#f-phone", Input).value = "12"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "12" in str(panel.query_one("#e-phone").content)
        assert panel.party_id is None


async def test_tree_opens_at_the_customer_and_loads_children_on_expand(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _open_customers(pilot)
        panel.open(1)
        await settle(pilot)
        tree = panel.query_one("#structure-tree", Tree)
        top = tree.root.children[0]
        assert top.data["id"] == 1 and {c.data["id"] for c in top.children} == {2, 12}
        logistics = next(c for c in top.children if c.data["id"] == 12)
        assert not logistics.children
        logistics.expand()
        await settle(pilot)
        assert [c.data["id"] for c in logistics.children] == [13]


async def test_language_switch_keeps_the_open_card(ui_settings):
    from crmterm.i18n import set_language

    try:
        async with make_app(ui_settings).run_test(size=SIZE) as pilot:
            panel = await _open_customers(pilot)
            await pilot.press(*"склад хим", "enter")
            await settle(pilot)
            await pilot.app.switch_language("ru")
            await settle(pilot)
            panel = pilot.app.screen.query_one(CustomersPanel)
            assert panel.party_id == 5
            assert "Склад Химки" in str(panel.query_one("#card-title").content)
    finally:
        set_language("en")


async def test_an_admin_erases_a_customer_after_typing_its_number(ui_settings):
    from crmterm.screens.customers.customer_dialogs import EraseDialog

    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _open_customers(pilot, "admin")
        await pilot.press(*"склад хим", "enter")
        await settle(pilot)
        assert panel.party_id == 5
        await pilot.press("alt+e")
        await settle(pilot)
        assert isinstance(pilot.app.screen, EraseDialog)
        await pilot.press("enter", *"6", "enter")  # nothing typed, then the wrong number: refused, still asked
        await settle(pilot)
        assert isinstance(pilot.app.screen, EraseDialog)
        assert "Type 5 to confirm" in str(pilot.app.screen.query_one("#erase-error").content)
        await pilot.press("backspace", "5", "enter")

        def erased() -> bool:
            return any("Customer #5: personal data erased" in str(n.message) for n in notices(pilot.app))
        hits = panel.query_one("#hits", DataTable)
        await settle_until(pilot, lambda: erased() and str(hits.get_row("5")[1]) == "erased #5")
        assert not isinstance(pilot.app.screen, EraseDialog)
        assert erased()
        assert [str(hits.get_row("5")[1])] == ["erased #5"]  # the old name is gone from the results too
    with unit_of_work(ui_settings.database_url) as session:
        party = customers.get_party(session, 5)
        assert party.erased_at is not None and "Химки" not in party.display_name


async def test_an_agent_cannot_erase(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _open_customers(pilot)
        panel.open(5)
        await settle(pilot)
        await pilot.press("alt+e")
        await settle(pilot)
        assert any("Only an administrator" in str(n.message) for n in notices(pilot.app))
    with unit_of_work(ui_settings.database_url) as session:
        assert customers.get_party(session, 5).erased_at is None
