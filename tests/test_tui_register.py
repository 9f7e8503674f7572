"""Pilot tests of the Register tab: the counted keystroke path, a rule-mandatory field blocking the save
without losing what was typed, several inquiries in one contact, repeats, attachments."""

from __future__ import annotations

from sqlmodel import select

from crmterm.app import make_app
from crmterm.screens.inquiry.inquiry_view import InquiryScreen
from crmterm.screens.register.register import RegisterPanel
from crmterm.store import Contact, Inquiry, InquiryValue, Subscriber
from crmterm.store.db import unit_of_work
from crmterm.widgets.attribute_form import AttributeFormView
from helpers import settle
from test_tui import SIZE, _login

KEYS_BUDGET = 15  # issue 6: at most 15 keys beyond the typed values


def _a_subscriber(url: str) -> str:
    with unit_of_work(url) as session:
        return session.exec(select(Subscriber.number).order_by(Subscriber.id.desc())).first()


def _inquiries(url: str) -> list[tuple[Inquiry, Contact, dict]]:
    with unit_of_work(url) as session:
        rows = session.exec(select(Inquiry, Contact).join(Contact, Contact.id == Inquiry.contact_id)
                            .order_by(Inquiry.id)).all()
        values = {}
        for value in session.exec(select(InquiryValue)).all():
            values.setdefault(value.inquiry_id, {})[value.attribute_id] = value.value
        return [(i, c, values.get(i.id, {})) for i, c in rows]


async def _agent(pilot) -> RegisterPanel:
    await _login(pilot, "agent", "agent")
    await settle(pilot)
    return pilot.app.screen.query_one(RegisterPanel)


class Keys:
    """Presses keys and counts the ones that are not part of a typed value."""

    def __init__(self, pilot) -> None:
        self.pilot, self.count = pilot, 0

    async def press(self, *keys: str) -> None:
        self.count += len(keys)
        await self.pilot.press(*keys)
        await settle(self.pilot)

    async def type(self, text: str) -> None:
        await self.pilot.press(*text)
        await settle(self.pilot)


async def test_phone_topic_two_attributes_save_within_the_key_budget(ui_settings):
    number = _a_subscriber(ui_settings.database_url)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _agent(pilot)
        keys = Keys(pilot)
        await keys.press("f4")  # the call comes in: caller box
        await keys.type(number)
        await keys.press("enter")  # one match: taken, focus moves to the topic
        assert panel.customer is not None
        await keys.type("311")  # Technical problems › Mobile internet › No mobile data
        await keys.press("enter")
        form = panel.query_one(AttributeFormView)
        assert form.form is not None and form.form.topic == "no_data"
        await keys.type("2026-11-26 10:00")  # problem since (mandatory)
        await keys.press("tab", "tab", "space")  # past the network type (default kept): device restarted
        customer = panel.customer.id
        await keys.press("ctrl+s")
        assert keys.count <= KEYS_BUDGET
        print(f"keys beyond typed values: {keys.count}")
    inquiry, contact, values = _inquiries(ui_settings.database_url)[-1]
    assert inquiry.state == "waiting" and inquiry.type == "request"
    assert contact.party_id == customer and contact.subscriber_id is not None
    assert sorted(values.values()) == ["2026-11-26T10:00:00+00:00", "4g", "true"]


async def _caller_and_topic(pilot, panel, number: str, topic: str) -> None:
    await pilot.press("f4", *number, "enter")
    await settle(pilot)
    await pilot.press(*topic, "enter")
    await settle(pilot)


async def test_rule_mandatory_field_blocks_saving_and_nothing_typed_is_lost(ui_settings):
    number = _a_subscriber(ui_settings.database_url)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _agent(pilot)
        await _caller_and_topic(pilot, panel, number, "1.6")  # Billing › Refund
        panel.query_one("#a-amount").focus()
        await pilot.press(*"750")
        panel.query_one("#a-refund_method").value = "bank"  # the account becomes mandatory by rule
        await settle(pilot)
        account = panel.query_one("#a-bank_account")
        assert panel.query_one("#al-bank_account").has_class("-mandatory")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert _inquiries(ui_settings.database_url) == []
        assert account.has_class("-invalid") and pilot.app.focused is account
        assert "required" in str(panel.query_one("#ae-bank_account").content)
        assert panel.query_one("#a-amount").value == "750" and panel.customer is not None
        assert panel.query_one("#topic-input").value == "1.6"
        await pilot.press(*"40817810099910004312", "ctrl+s")
        await settle(pilot)
    (inquiry, _contact, values), = _inquiries(ui_settings.database_url)
    assert "40817810099910004312" in values.values() and "750" in values.values()


async def test_two_inquiries_in_one_contact_with_a_template_topic_key(ui_settings):
    number = _a_subscriber(ui_settings.database_url)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _agent(pilot)
        await _caller_and_topic(pilot, panel, number, "1.1")  # a consultation: closed at once
        await pilot.press("ctrl+n", "alt+5")  # the template's fifth topic: No mobile data
        await settle(pilot)
        assert panel.drafts.draft.topic.code == "no_data" and len(panel.drafts.items) == 2
        await pilot.press(*"2026-11-26 10:00", "ctrl+s")
        await settle(pilot)
    saved = _inquiries(ui_settings.database_url)
    assert [(i.type, i.state) for i, _c, _v in saved] == [("consultation", "closed"), ("request", "waiting")]
    assert saved[0][1].id == saved[1][1].id  # one contact


async def test_repeat_badge_and_adding_the_contact_to_the_earlier_inquiry(ui_settings):
    number = _a_subscriber(ui_settings.database_url)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _agent(pilot)
        await _caller_and_topic(pilot, panel, number, "311")
        await pilot.press(*"2026-11-26 10:00", "ctrl+s")
        await settle(pilot)
        await _caller_and_topic(pilot, panel, number, "311")
        first = _inquiries(ui_settings.database_url)[0][0].id
        assert f"#{first}" in str(panel.query_one("#reg-repeat").content)
        await pilot.press("ctrl+g")  # look at the earlier inquiry, comment on it, back
        await settle(pilot)
        assert isinstance(pilot.app.screen, InquiryScreen) and pilot.app.screen.inquiry.id == first
        await pilot.press("c", *"Second call", "enter")
        await settle(pilot)
        assert pilot.app.screen.inquiry.events[-1].text == "Second call"
        await pilot.press("escape", "ctrl+r", "ctrl+s")
        await settle(pilot)
    saved = _inquiries(ui_settings.database_url)
    assert len(saved) == 1  # no new inquiry: the second contact joined the first


async def test_topic_found_by_name_and_a_file_attached(ui_settings, tmp_path):
    photo = tmp_path / "screen.png"
    photo.write_bytes(b"\x89PNG....")
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _agent(pilot)
        await pilot.press("f4", "enter")  # anonymous caller: straight to the topic
        await settle(pilot)
        await pilot.press(*"roaming pri")
        await settle(pilot)
        assert panel.query_one("#topic-hits").display
        await pilot.press("enter")
        await settle(pilot)
        assert panel.drafts.draft.topic.code == "roaming_prices"
        await pilot.press("f7", *str(photo), "enter", "ctrl+s")
        await settle(pilot)
    (inquiry, contact, _values), = _inquiries(ui_settings.database_url)
    assert contact.party_id is None and inquiry.state == "closed"
    with unit_of_work(ui_settings.database_url) as session:
        from crmterm.store import Attachment
        assert session.exec(select(Attachment.name).where(Attachment.inquiry_id == inquiry.id)).all() == ["screen.png"]


async def test_switching_language_keeps_the_registration(ui_settings):
    from crmterm.i18n import set_language

    number = _a_subscriber(ui_settings.database_url)
    try:
        async with make_app(ui_settings).run_test(size=SIZE) as pilot:
            panel = await _agent(pilot)
            await _caller_and_topic(pilot, panel, number, "311")
            await pilot.press(*"2026-11-26 10:00")
            await pilot.app.switch_language("ru")
            await settle(pilot)
            panel = pilot.app.screen.query_one(RegisterPanel)
            assert panel.customer is not None and panel.drafts.draft.topic.code == "no_data"
            assert panel.query_one("#a-problem_since").value == "2026-11-26 10:00"
            assert "Нет мобильного интернета" in str(panel.query_one("#topic-label").content)
            await pilot.press("ctrl+s")
            await settle(pilot)
        assert len(_inquiries(ui_settings.database_url)) == 1
    finally:
        set_language("en")


async def test_contact_person_priority_and_values_kept_across_topics(ui_settings):
    from crmterm.services.customers import contracts, customers
    from crmterm.store import Priority
    from helpers import AGENT

    with unit_of_work(ui_settings.database_url) as session:
        party = customers.create_party(session=session, actor=AGENT, values={
            "display_name": "ООО Ромашка", "kind": "organisation", "category": "b2b"})
        person = contracts.add_contact_person(session=session, actor=AGENT, party_id=party.id, name="Иванова Ольга")
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _agent(pilot)
        await _caller_and_topic(pilot, panel, "Ромашка", "311")
        persons = panel.query_one("#reg-person")
        assert persons.display
        persons.value = str(person)
        await pilot.press(*"2026-11-26 10:00")
        panel.query_one("#topic-input").focus()
        await pilot.press(*"312", "enter")  # Slow mobile data: the same inherited attribute keeps its value
        await settle(pilot)
        assert panel.drafts.draft.topic.code == "slow_data"
        assert panel.query_one("#a-problem_since").value == "2026-11-26 10:00"
        panel.query_one("#reg-priority").value = "low"
        await pilot.press("ctrl+s")
        await settle(pilot)
    (inquiry, contact, _values), = _inquiries(ui_settings.database_url)
    assert contact.contact_person_id == person and contact.party_id == party.id
    with unit_of_work(ui_settings.database_url) as session:
        assert session.get(Priority, inquiry.priority_id).code == "low"


async def test_a_rule_made_mandatory_field_is_marked_and_shown_at_once_and_headers_take_no_tab(ui_settings):
    """Issue 19 item 10: five affected subscribers make the address mandatory while typing; its collapsed
    group opens to show it; group headers are not in the Tab order."""
    from textual.widgets import Collapsible, Input, Label
    from textual.widgets._collapsible import CollapsibleTitle

    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _agent(pilot)
        keys = Keys(pilot)
        await keys.press("f4", "enter")  # anonymous: straight to the topic
        await keys.type("321")  # Voice and coverage › poor coverage
        await keys.press("enter")
        form = panel.query_one(AttributeFormView)
        assert form.form is not None and form.form.topic == "poor_coverage"
        assert not any(isinstance(w, CollapsibleTitle) for w in pilot.app.screen.focus_chain)
        assert form.query_one("#ag-location", Collapsible).collapsed
        assert not str(form.query_one("#al-address", Label).content).endswith("*")
        box = form.query_one("#a-affected_subscribers", Input)
        box.focus()
        await keys.press("end", "backspace")
        await keys.type("7")
        assert str(form.query_one("#al-address", Label).content).endswith(" *")
        assert not form.query_one("#ag-location", Collapsible).collapsed


async def test_the_priority_drop_down_opens_on_the_topics_priority(ui_settings):
    """Issue 19 item 10: blank means the topic's priority, so the opened list starts there, not on top."""
    from textual.widgets import Select
    from textual.widgets._select import SelectOverlay

    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _agent(pilot)
        keys = Keys(pilot)
        await keys.press("f4", "enter")
        await keys.type("12")  # disputed charge: high
        await keys.press("enter")
        priority = panel.query_one("#reg-priority", Select)
        assert priority.value is Select.NULL
        priority.focus()
        await keys.press("enter")
        overlay = priority.query_one(SelectOverlay)
        assert [value for _label, value in priority._options][overlay.highlighted] == "high"
        await keys.press("enter")  # Enter keeps it
        assert priority.value == "high"
