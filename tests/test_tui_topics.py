"""Pilot tests of the Topics tab: tree navigation, the inherited form preview and its live rules, editing."""

from __future__ import annotations

from textual.widgets import Input, Label, Tree

from crmterm.app import make_app
from crmterm.screens.admin.topic_admin import TopicAdminPanel
from crmterm.services.topics import topics
from crmterm.store.db import unit_of_work
from crmterm.widgets.attribute_form import AttributeFormView
from helpers import ADMIN, settle
from test_tui import SIZE, _login


async def _open_topics(pilot) -> TopicAdminPanel:
    await _login(pilot, "admin", "admin")
    await pilot.press("f9")
    await settle(pilot)
    return pilot.app.screen.query_one(TopicAdminPanel)


async def _type(pilot, selector: str, text: str) -> None:
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    field.value = ""
    await pilot.press(*text)
    await pilot.pause()


async def test_disputed_charge_preview_inherits_and_flips_the_mandatory_rule(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _open_topics(pilot)
        await pilot.press("down", "down", "down")  # root → Billing → Balance → Disputed charge
        await settle(pilot)
        assert panel.current.key == "disputed_charge"
        view = panel.query_one("#preview", AttributeFormView)
        assert view.form.field("amount").defined_on == "billing"  # inherited from Billing
        approval = panel.query_one("#al-approval_reference", Label)
        assert approval.has_class("-hidden-attribute")  # hidden until there is an amount
        await _type(pilot, "#a-amount", "500")
        assert not approval.has_class("-hidden-attribute") and not approval.has_class("-mandatory")
        await _type(pilot, "#a-amount", "1500")
        assert approval.has_class("-mandatory") and view.flags["approval_reference"].mandatory
        await pilot.press("f5")  # database check of the sample: the approval number is missing
        await settle(pilot)
        assert "required" in str(panel.query_one("#ae-approval_reference").content)
        await _type(pilot, "#a-amount", "900")
        assert not view.flags["approval_reference"].mandatory


async def test_new_topic_under_the_selected_group_and_move_it_up(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _open_topics(pilot)
        await pilot.press("down")  # Billing
        await settle(pilot)
        await pilot.press("ctrl+n", *"late_fee", "tab", *"Late payment fee", "tab", *"Пени")
        await _type(pilot, "#topic-form #f-short_code", "8")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert panel.current.key == "late_fee"
        await pilot.press("alt+up")
        await settle(pilot)
        with unit_of_work(ui_settings.database_url) as session:
            billing = [n.code for n in topics.topic_tree(session=session, actor=ADMIN) if n.parent == "billing"]
        assert billing[-3:] == ["late_fee", "promised_payment", "dunning"]  # dunning is 1.9
        assert panel.query_one("#topic-tree", Tree).cursor_node.data == "late_fee"


async def test_taken_numeric_code_is_shown_next_to_the_field(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _open_topics(pilot)
        await pilot.press("down", "down")  # Balance and charges (1.1)
        await settle(pilot)
        await _type(pilot, "#topic-form #f-short_code", "2")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "disputed_charge" in str(panel.query_one("#topic-form #e-short_code").content)
        assert panel.query_one("#topic-form #f-short_code", Input).value == "2"  # nothing typed is lost


async def test_attribute_editor_checks_a_rule_while_it_is_typed(ui_settings):
    from crmterm.screens.admin.admin import AdminPanel
    from crmterm.screens.admin.admin_areas import AREAS

    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "admin", "admin")
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press(*["down"] * list(AREAS).index("attributes"))
        await settle(pilot)
        panel = pilot.app.screen.query_one(AdminPanel)
        assert panel.area.name == "attributes"
        await pilot.press("ctrl+n")
        await _type(pilot, "#form #f-mandatory", "inquiry.attrs.amount >> 1")
        assert "column 23" in str(panel.query_one("#e-mandatory").content)
        await _type(pilot, "#form #f-mandatory", "inquiry.attrs.amount > 1000")
        assert not panel.query_one("#e-mandatory").display


async def test_agent_switches_template_by_its_number(ui_settings):
    from crmterm.widgets.chrome import StatusBar

    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "agent2", "agent2")
        await settle(pilot)
        assert pilot.app.active_template.code == "cc_inbound"
        assert "1 Call center — incoming" in str(pilot.app.screen.query_one(StatusBar).content)
        await pilot.press("f12")
        await settle(pilot)
        await pilot.press("4", "enter")
        await settle(pilot)
        assert pilot.app.active_template.code == "back_office"
        assert "4 Back office — claims" in str(pilot.app.screen.query_one(StatusBar).content)
        await pilot.press("f12", "7", "enter")  # not one of mine: a message, the template stays
        await settle(pilot)
        assert pilot.app.active_template.code == "back_office"
