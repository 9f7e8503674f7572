"""Supervisor actions are safe (issue 19 item 8): assign from a filterable list (queue members first) that
keeps the note when the assignment is refused; a deadline in the past is refused in the dialog; closed
inquiries are listed under the Queues tab's Closed filter and reopened from there."""

from __future__ import annotations

from sqlmodel import select
from textual.widgets import Tabs

from crmterm.app import make_app
from crmterm.screens.inquiry.assign_dialog import AssignScreen
from crmterm.screens.inquiry.inquiry_dialogs import AskScreen
from crmterm.screens.inquiry.inquiry_view import InquiryScreen
from crmterm.services.inquiries import inquiry_actions
from crmterm.store import User
from crmterm.store.db import unit_of_work
from helpers import press_and_settle, settle
from test_tui import SIZE
from test_tui_inquiry import _actor, _choose, _open, _read, _register
from test_tui_queues import _ids, _queues, register_disputes


def _deactivate(url: str, login: str) -> None:
    with unit_of_work(url) as session:
        session.exec(select(User).where(User.login == login)).one().active = False


async def test_assign_picks_from_a_filtered_list_with_the_queue_members_first(ui_settings):
    url = ui_settings.database_url
    inquiry_id = _register(url, "7000")
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _open(pilot, "supervisor", inquiry_id)
        await _choose(pilot, "assign")
        dialog = pilot.app.screen
        assert isinstance(dialog, AssignScreen)
        members = [p.login for p in dialog.people if p.member]
        assert members and [p.login for p in dialog.people][:len(members)] == members
        await press_and_settle(pilot, *"agent2")
        assert [p.login for p in dialog.matching("agent2")] == ["agent2"] and dialog.chosen() == "agent2"
        await press_and_settle(pilot, "enter", *"please call back", "enter")
    assert _read(url, inquiry_id).assignee == "agent2"
    assert _read(url, inquiry_id).events[-1].text == "please call back"


async def test_a_refused_assignment_brings_the_dialog_back_with_the_note(ui_settings):
    url = ui_settings.database_url
    inquiry_id = _register(url, "7000")
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _open(pilot, "supervisor", inquiry_id)
        await _choose(pilot, "assign")
        _deactivate(url, "agent2")  # meanwhile: the list still shows agent2
        await press_and_settle(pilot, *"agent2", "enter", *"long note typed once", "enter")
        dialog = pilot.app.screen
        assert isinstance(dialog, AssignScreen)
        assert dialog.query_one("#assign-note").value == "long note typed once"
        assert "agent2" in str(dialog.query_one("#assign-error").content)
    assert _read(url, inquiry_id).assignee is None


async def test_a_deadline_in_the_past_is_refused_in_the_dialog(ui_settings):
    url = ui_settings.database_url
    inquiry_id = _register(url, "7000")
    before = _read(url, inquiry_id).due_at
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _open(pilot, "supervisor", inquiry_id)
        await _choose(pilot, "deadline")
        await press_and_settle(pilot, *"2020-01-10 09:00", "enter", *"agreed", "enter")
        assert isinstance(pilot.app.screen, AskScreen)
        assert "already past" in str(pilot.app.screen.query_one("#ask-error-due").content)
    assert _read(url, inquiry_id).due_at == before


async def test_closed_inquiries_are_reached_from_queues_and_reopened(ui_settings):
    url = ui_settings.database_url
    register_disputes(url, 2)
    agent = _actor(url, "agent")
    with unit_of_work(url) as session:
        inquiry_actions.take(session=session, actor=agent, inquiry_id=2)
        inquiry_actions.close(session=session, actor=agent, inquiry_id=2, resolution="explained")
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _queues(pilot, "supervisor")
        assert _ids(panel) == [1]
        panel.query_one(Tabs).active = "f-closed"
        await settle(pilot)
        assert _ids(panel) == [2]
        panel.table.focus()
        await press_and_settle(pilot, "enter")
        assert isinstance(pilot.app.screen, InquiryScreen) and pilot.app.screen.inquiry_id == 2
        await _choose(pilot, "reopen")
        await press_and_settle(pilot, "enter")  # no note
    assert _read(url, 2).state == "waiting"
