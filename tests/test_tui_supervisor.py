"""Supervisor actions are safe (issue 19 item 8): assign from a filterable list (queue members first) that
keeps the note when the assignment is refused; a deadline in the past is refused in the dialog."""

from __future__ import annotations

from sqlmodel import select

from crmterm.app import make_app
from crmterm.screens.inquiry.assign_dialog import AssignScreen
from crmterm.screens.inquiry.inquiry_dialogs import AskScreen
from crmterm.store import User
from crmterm.store.db import unit_of_work
from helpers import press_and_settle
from test_tui import SIZE
from test_tui_inquiry import _choose, _open, _read, _register


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
