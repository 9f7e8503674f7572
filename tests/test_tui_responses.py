"""The response library from the keyboard: Alt+R on the inquiry screen opens the picker (what is typed right
after the key lands in its search), Enter puts the filled-in answer into a comment; Alt+R inside the comment
and on Register inserts at the cursor. Each insertion counts a use."""

from __future__ import annotations

from helpers import AGENT, burst, press_and_settle, settle
from test_tui import SIZE
from test_tui_inquiry import _open, _read, _register
from test_tui_register import _agent
from textual.widgets import Input

from crmterm.app import make_app
from crmterm.screens.inquiry.inquiry_responses import CommentPrompt
from crmterm.screens.knowledge.response_picker import ResponsePicker
from crmterm.services.knowledge import responses
from crmterm.store.db import unit_of_work

REFUND = "A refund to the account balance takes one business day, to a bank card up to ten."


def used(url: str, code: str) -> int:
    with unit_of_work(url) as session:
        return responses.get_response(session=session, actor=AGENT, code=code).used_count


async def test_inquiry_screen_comment_with_an_answer_typed_ahead(ui_settings):
    url = ui_settings.database_url
    inquiry_id = _register(url, "100")  # a disputed charge: billing's answers come first
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _open(pilot, "agent", inquiry_id)
        await burst(pilot, "alt+r", *"refund")  # typed with no pause after the key: nothing lost
        await settle(pilot)
        picker = pilot.app.screen
        assert isinstance(picker, ResponsePicker)
        assert picker.query_one("#response-search", Input).value == "refund"
        assert [r.code for r in picker.found] == ["refund_terms_en", "refund_terms_ru"]
        await press_and_settle(pilot, "enter")
        prompt = pilot.app.screen
        assert isinstance(prompt, CommentPrompt) and prompt.query_one(Input).value == REFUND
        await press_and_settle(pilot, "enter")
        assert any(e.kind == "commented" and e.text == REFUND for e in _read(url, inquiry_id).events)
        assert used(url, "refund_terms_en") == 1

        await press_and_settle(pilot, "c", *"Dear customer: ", "alt+r")
        await press_and_settle(pilot, *"greeting", "down", "escape")  # cancelled: the comment stays as typed
        assert isinstance(pilot.app.screen, CommentPrompt)
        await press_and_settle(pilot, "alt+r", *"inquiry registered", "enter")
        value = pilot.app.screen.query_one(Input).value
        assert value.startswith(f"Dear customer: Your inquiry {inquiry_id} about \"Disputed charge\" is registered")
        assert used(url, "registered_en") == 1 and used(url, "greeting_en") == 0


async def test_register_inserts_an_answer_into_the_inquiry_text(ui_settings):
    url = ui_settings.database_url
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _agent(pilot)
        await press_and_settle(pilot, "f4", "enter")  # anonymous caller: straight to the topic
        await press_and_settle(pilot, *"refund", "enter")
        assert panel.drafts.draft.topic.code == "refund"
        field = panel.query_one("#reg-inquiry-text", Input)
        field.focus()
        await press_and_settle(pilot, *"Told: ")
        await burst(pilot, "alt+r", *"bank card")
        await settle(pilot)
        await press_and_settle(pilot, "enter")
        assert field.value == f"Told: {REFUND}" and field.has_focus
        assert used(url, "refund_terms_en") == 1
