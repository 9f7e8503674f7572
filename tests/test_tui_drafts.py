"""No work is lost (issue 19 item 3), through the TUI: the registration being typed is kept in the database
and offered back after a crash; Ctrl+Q, log-out, the lock screen's log-out and Escape out of a script walk
ask before leaving."""

from __future__ import annotations

from time import monotonic

from sqlmodel import select

from crmterm.app import make_app
from crmterm.screens.common.dialogs import ConfirmScreen
from crmterm.screens.knowledge.script_run import ScriptRunScreen
from crmterm.screens.register.register import RegisterPanel
from crmterm.screens.register.register_keeping import KEEP_AFTER_SECONDS
from crmterm.screens.shell.lock import LockScreen
from crmterm.screens.shell.login import LoginScreen
from crmterm.screens.shell.workspace import WorkspaceScreen
from crmterm.store import RegistrationDraft
from crmterm.store.db import unit_of_work
from crmterm.widgets.attribute_form import AttributeFormView
from helpers import press_and_settle, settle
from test_tui import SIZE, _login
from test_tui_register import _a_subscriber, _agent, _inquiries


def _kept(url: str) -> list[RegistrationDraft]:
    with unit_of_work(url) as session:
        return list(session.exec(select(RegistrationDraft)))


async def _typed_registration(pilot, number: str) -> RegisterPanel:
    """The caller found by number, topic 3.1.1, the first field typed, then a pause in typing."""
    panel = await _agent(pilot)
    await press_and_settle(pilot, "f4", *number, "enter")
    await press_and_settle(pilot, *"311", "enter")
    await press_and_settle(pilot, *"2026-11-26 10:00")
    await pilot.pause(2 * KEEP_AFTER_SECONDS + 0.3)  # seen, then seen unchanged: written
    await settle(pilot)
    return panel


async def test_the_registration_comes_back_after_a_crash(ui_settings):
    url, number = ui_settings.database_url, _a_subscriber(ui_settings.database_url)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _typed_registration(pilot, number)
        customer = panel.customer.id
    (kept,) = _kept(url)  # the app went away without Ctrl+Q: the typed state was already in the database
    assert kept.party_id == customer and kept.document["inquiries"][0]["topic"] == "no_data"
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "agent", "agent")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await press_and_settle(pilot, "y")
        panel = pilot.app.screen.query_one(RegisterPanel)
        assert panel.customer.id == customer and panel.drafts.draft.topic.code == "no_data"
        assert panel.query_one(AttributeFormView).values()["problem_since"] == "2026-11-26 10:00"
        panel.query_one(AttributeFormView).focus_first()
        await press_and_settle(pilot, "tab", "tab", "space", "ctrl+s")  # device restarted; save
    assert len(_inquiries(url)) == 1 and _kept(url) == []  # saved once, and the draft went with the save


async def test_declining_the_offer_starts_afresh_and_forgets_it(ui_settings):
    url, number = ui_settings.database_url, _a_subscriber(ui_settings.database_url)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _typed_registration(pilot, number)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "agent", "agent")
        await press_and_settle(pilot, "escape")
        panel = pilot.app.screen.query_one(RegisterPanel)
        assert panel.customer is None and panel.drafts.draft.topic is None
    assert _kept(url) == []


async def test_ctrl_q_asks_and_keeps_the_draft(ui_settings):
    url, number = ui_settings.database_url, _a_subscriber(ui_settings.database_url)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _typed_registration(pilot, number)
        await press_and_settle(pilot, *"x")  # typed after the last kept copy
        await press_and_settle(pilot, "ctrl+q")
        assert isinstance(pilot.app.screen, ConfirmScreen)
        assert "registration" in str(pilot.app.screen.question)
        await press_and_settle(pilot, "escape")  # no: back to the form, nothing changed
        assert pilot.app.screen.query_one(RegisterPanel) is panel and pilot.app.is_running
        await press_and_settle(pilot, "ctrl+q", "y")
        assert not pilot.app.is_running
    (kept,) = _kept(url)
    assert kept.document["inquiries"][0]["values"]["problem_since"] == "2026-11-26 10:00x"


async def test_quit_with_nothing_typed_does_not_ask(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _agent(pilot)
        await press_and_settle(pilot, "ctrl+q")
        assert not pilot.app.is_running


async def test_an_untouched_form_is_never_written(ui_settings, monkeypatch):
    """Nothing kept and nothing typed: no write on the keeping timer (it used to store an empty draft a second
    after every log-in, which with a broken database opened a failure dialog out of nowhere)."""
    from crmterm.services.platform.gateway import Gateway

    called, real_call = [], Gateway.call
    monkeypatch.setattr(Gateway, "call", lambda self, service, /, **kwargs: (
        called.append(service.__name__), real_call(self, service, **kwargs))[1])
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _agent(pilot)
        await pilot.pause(3 * KEEP_AFTER_SECONDS + 0.3)
        await settle(pilot)
    assert "my_draft" in called and "save_draft" not in called


async def test_log_out_and_the_locks_log_out_ask_first(ui_settings):
    number = _a_subscriber(ui_settings.database_url)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _typed_registration(pilot, number)
        await press_and_settle(pilot, "ctrl+o")
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await press_and_settle(pilot, "escape")
        assert isinstance(pilot.app.screen, WorkspaceScreen)
        assert pilot.app.lock_if_idle(now=monotonic() + 24 * 60 * 60)
        await settle(pilot)
        await pilot.click("#lock-logout")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmScreen)
        assert isinstance(pilot.app.screen_stack[-2], LockScreen)  # asked over the lock: the work stays hidden
        await press_and_settle(pilot, "y")
        assert isinstance(pilot.app.screen, LoginScreen)


async def test_escape_out_of_a_script_walk_asks_once_answered(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _agent(pilot)
        await press_and_settle(pilot, "f4", "enter")
        await press_and_settle(pilot, *"roaming act", "enter")
        await press_and_settle(pilot, "ctrl+t")
        await press_and_settle(pilot, "escape")  # nothing answered yet: leaves at once
        assert not isinstance(pilot.app.screen, ScriptRunScreen)
        await press_and_settle(pilot, "ctrl+t", *"Turkey", "enter")
        await press_and_settle(pilot, "escape")
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await press_and_settle(pilot, "escape")  # no: the walk goes on where it was
        assert isinstance(pilot.app.screen, ScriptRunScreen)
        await press_and_settle(pilot, "escape", "y")
        assert not isinstance(pilot.app.screen, ScriptRunScreen | ConfirmScreen)


async def test_switching_admin_areas_asks_before_discarding_an_edited_entry(ui_settings):
    from crmterm.widgets.entry_form import EntryForm
    from test_tui import _open_admin

    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _open_admin(pilot)
        panel.query_one("#f-labels-en").focus()
        await press_and_settle(pilot, "end", *" (edited)")
        panel.focus_areas()
        await press_and_settle(pilot, "down")
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await press_and_settle(pilot, "escape")  # no: the channel and what was typed stay
        assert panel.area.name == "channels" and panel.query_one(EntryForm).values()["labels"]["en"].endswith(
            " (edited)")
        await press_and_settle(pilot, "down", "y")
        assert panel.area.name != "channels" and panel.unsaved_input() is None
        panel.focus_areas()
        await press_and_settle(pilot, "down")  # nothing typed in this one: no question
        assert not isinstance(pilot.app.screen, ConfirmScreen)
