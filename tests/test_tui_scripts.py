"""The script runner from the keyboard: the retention script walked on an inquiry (numbers, back,
captures typed) sets priority and queue, fills the inquiry's attributes and shows in its timeline; at
registration the walk fills the form and is saved on the new inquiry."""

from __future__ import annotations

from crmterm.app import make_app
from crmterm.screens.inquiry.inquiry_view import InquiryScreen
from crmterm.screens.knowledge.script_run import ScriptRunScreen
from crmterm.services.inquiries import inquiries
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.store.db import unit_of_work
from crmterm.widgets.script_runner import ScriptRunner
from helpers import AGENT, press_and_settle, settle
from test_tui import SIZE, _login


def termination(url: str) -> int:
    draft = ContactDraft(channel="phone", place="cc_msk", customer=1, inquiries=[{
        "topic": "contract_termination", "values": {"termination_reason": "relocation"}}])
    with unit_of_work(url) as session:
        return register(session=session, actor=AGENT, draft=draft).inquiry_ids[0]


def read(url: str, inquiry_id: int):
    with unit_of_work(url) as session:
        return inquiries.get_inquiry(session=session, actor=AGENT, inquiry_id=inquiry_id)


async def test_retention_script_on_an_inquiry_sets_priority_queue_and_values(ui_settings):
    url = ui_settings.database_url
    inquiry_id = termination(url)
    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await _login(pilot, "agent", "agent")
        pilot.app.push_screen(InquiryScreen(inquiry_id))
        await settle(pilot)
        await press_and_settle(pilot, "k")
        assert isinstance(pilot.app.screen, ScriptRunScreen)
        runner = pilot.app.screen.query_one(ScriptRunner)
        await press_and_settle(pilot, "1", "2")  # too expensive; will think about it
        assert runner.walk.node.id == "value" and runner.walk.score == 40
        await press_and_settle(pilot, "b", "3")  # back: declines instead
        await press_and_settle(pilot, "3")  # more than 5 years
        assert runner.walk.node.id == "reason_capture" and runner.walk.score == 85
        await press_and_settle(pilot, *"bored", "enter")  # not a termination reason: refused, still here
        assert runner.walk.node.id == "reason_capture"
        await press_and_settle(pilot, *["backspace"] * 5, "3", "enter")  # third item of the list: price
        await press_and_settle(pilot, *"yes", "enter")
        assert runner.walk.outcome == "at_risk"
        await press_and_settle(pilot, "enter")
        assert isinstance(pilot.app.screen, InquiryScreen)
    shown = read(url, inquiry_id)
    assert (shown.priority, shown.queue) == ("critical", "vip_line")
    values = {v.code: v.value for v in shown.values}
    assert values["termination_reason"] == "price" and values["retention_offer_made"] in (True, "true")
    assert any(e.kind == "script" and "score 85, outcome at_risk" in e.text for e in shown.events)


async def test_script_at_registration_fills_the_form_and_is_saved_with_the_inquiry(ui_settings):
    from test_tui_register import _agent, _inquiries

    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _agent(pilot)
        await press_and_settle(pilot, "f4", "enter")  # anonymous caller: straight to the topic
        await press_and_settle(pilot, *"roaming act")
        await press_and_settle(pilot, "enter")
        assert panel.drafts.draft.topic.code == "roaming_activation"
        await press_and_settle(pilot, "ctrl+t")
        assert isinstance(pilot.app.screen, ScriptRunScreen)
        await press_and_settle(pilot, *"Turkey", "enter", "enter", "enter")  # country; no travel dates
        await press_and_settle(pilot, "2", "enter", "enter")  # 1 GB package; activate; done
        assert not isinstance(pilot.app.screen, ScriptRunScreen)
        assert panel.drafts.draft.script is not None
        await press_and_settle(pilot, "ctrl+s")
    (inquiry, _contact, values), = _inquiries(ui_settings.database_url)
    assert "Turkey" in values.values()
    shown = read(ui_settings.database_url, inquiry.id)
    assert any(e.kind == "script" and "outcome activated" in e.text for e in shown.events)


async def test_the_script_is_read_in_the_customers_language_without_losing_the_walk(ui_settings):
    inquiry_id = termination(ui_settings.database_url)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "agent", "agent")
        pilot.app.push_screen(InquiryScreen(inquiry_id))
        await settle(pilot)
        await press_and_settle(pilot, "k", "1")
        runner = pilot.app.screen.query_one(ScriptRunner)
        node, score = runner.walk.node.id, runner.walk.score
        english = str(runner.query_one("#script-node").render())
        await press_and_settle(pilot, "l")
        russian = str(runner.query_one("#script-node").render())
        assert runner.lang == "ru" and (runner.walk.node.id, runner.walk.score) == (node, score)
        assert russian != english and any("\u0400" <= ch <= "\u04ff" for ch in russian)
        assert "· RU" in str(runner.query_one("#script-heading").render())
        await press_and_settle(pilot, "l")
        assert runner.lang == "en" and str(runner.query_one("#script-node").render()) == english


async def test_a_capture_takes_its_option_by_number_and_says_how_to_answer_yes_or_no(ui_settings):
    """Issue 19 item 10: on a capture a number key picks the option at once; yes/no says what to type."""
    url = ui_settings.database_url
    inquiry_id = termination(url)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "agent", "agent")
        pilot.app.push_screen(InquiryScreen(inquiry_id))
        await settle(pilot)
        await press_and_settle(pilot, "k")
        runner = pilot.app.screen.query_one(ScriptRunner)
        await press_and_settle(pilot, "1", "3", "3")  # declines; more than 5 years: the reason capture
        assert runner.walk.node.id == "reason_capture"
        await press_and_settle(pilot, "3")  # the third item of the list, no Enter needed
        assert runner.walk.node.id != "reason_capture"
        hint = str(runner.query_one("#script-hint").content)
        assert "1 or Y yes, 2 or N no" in hint
        await press_and_settle(pilot, "1")  # yes
        assert runner.walk.outcome == "at_risk"
        await press_and_settle(pilot, "enter")
    values = {v.code: v.value for v in read(url, inquiry_id).values}
    assert values["termination_reason"] == "price" and values["retention_offer_made"] in (True, "true")
