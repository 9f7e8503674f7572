"""Type-ahead (issue 19 item 2): keys pressed with no pause while every service call is slow land where they
would land if typed slowly; a worker's answer never takes the focus from a field the user has reached."""

from __future__ import annotations

import time

import pytest

from crmterm.app import make_app
from crmterm.services.directory import directory
from crmterm.services.platform.gateway import Gateway
from crmterm.store.db import unit_of_work
from helpers import ADMIN, burst, notices, settle
from test_tui import SIZE, _open_admin
from test_tui_register import _a_subscriber, _agent, _inquiries

DELAY = 0.6  # seconds each service call takes: longer than typing a field's value at Pilot speed
# Answers arriving mid-word (0.2 s) or after a whole field (0.6 s) catch different races.
DELAYS = [0.2, DELAY]
# The registrations below run on one worker, so the slowly typed one (the reference, the same for all: same
# demo copy, same keys) is typed once and remembered.
pytestmark = pytest.mark.xdist_group("type_ahead")
_SLOWLY: list[tuple] = []


@pytest.fixture
def slow_services(monkeypatch):
    """Every call the UI makes to the services answers only after DELAY, as on a loaded server."""
    fast = Gateway.call

    def switch_on(delay: float = DELAY) -> None:
        def slow(self, service, /, **kwargs):
            time.sleep(delay)
            return fast(self, service, **kwargs)
        monkeypatch.setattr(Gateway, "call", slow)
    return switch_on


REGISTRATION_AFTER_NUMBER = ("enter", *"311", "enter", *"2026-11-26 10:00", "tab", "tab", "space", "ctrl+s")


async def _register(ui_settings, slow_services=None, delay: float = DELAY, *, in_one_burst: bool = False) -> tuple:
    number = _a_subscriber(ui_settings.database_url)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _agent(pilot)
        if slow_services is None:  # typed slowly: each key's work is done before the next key
            for key in ("f4", *number, *REGISTRATION_AFTER_NUMBER):
                await pilot.press(key)
                await settle(pilot)
        else:
            slow_services(delay)
            if in_one_burst:  # as a terminal hands them over: all queued before the first is handled
                await burst(pilot, "f4", *number, *REGISTRATION_AFTER_NUMBER)
            else:
                await pilot.press("f4", *number, *REGISTRATION_AFTER_NUMBER)
            await settle(pilot)
        shown = [str(n.message) for n in notices(pilot.app)]
        assert panel.query_one("#reg-caller").value == "", shown  # saved: the form was cleared for the next call
    inquiry, contact, values = _inquiries(ui_settings.database_url)[-1]
    return inquiry.topic_id, contact.party_id, contact.subscriber_id, sorted(values.values())


async def _registered_slowly(ui_settings) -> tuple:
    if not _SLOWLY:
        _SLOWLY.append(await _register(ui_settings))
    return _SLOWLY[0]


@pytest.mark.parametrize("delay", DELAYS)
async def test_a_registration_typed_ahead_of_slow_services_equals_the_slowly_typed_one(ui_settings, slow_services,
                                                                                         delay):
    slowly = await _registered_slowly(ui_settings)
    ahead = await _register(ui_settings, slow_services, delay)
    assert ahead == slowly and slowly[3] == ["2026-11-26T10:00:00+00:00", "4g", "true"]


async def test_a_registration_typed_in_one_burst_equals_the_slowly_typed_one(ui_settings, slow_services):
    """Enter and Tab move on before the next key is handed out, even when all keys arrive in one read."""
    slowly = await _registered_slowly(ui_settings)
    ahead = await _register(ui_settings, slow_services, 0.2, in_one_burst=True)
    assert ahead == slowly


async def test_log_in_typed_in_one_burst(ui_settings):
    """In tmux, `send-keys "agent" Tab "agent" Enter` once put "agentagent" in the login field."""
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await settle(pilot)  # the database is prepared first
        await burst(pilot, *"agent", "tab", *"agent", "enter")
        await settle(pilot)
        assert pilot.app.gateway.actor is not None and pilot.app.gateway.actor.login == "agent"


async def test_keys_typed_while_the_log_in_opens_the_workspace_go_to_the_workspace(ui_settings):
    """Enter at log-in, then F4 and the caller's number at once: they wait for the workspace, then land there."""
    from crmterm.screens.register.register import RegisterPanel

    number = _a_subscriber(ui_settings.database_url)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, *"agent", "tab", *"agent", "enter", "f4", *number, "enter")
        await settle(pilot)
        panel = pilot.app.screen.query_one(RegisterPanel)
        assert panel.query_one("#reg-caller").value == number
        assert panel.customer is not None


async def test_keys_typed_after_a_wrong_password_are_dropped_not_typed_into_the_log_in(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, *"agent", "tab", *"wrong", "enter", *"12345")
        await settle(pilot)
        assert pilot.app.screen.query_one("#password").value == ""
        assert pilot.app.screen.query_one("#login").value == "agent"
        assert not pilot.app.key_gate.waiting and not pilot.app.key_gate.busy  # the keyboard works again
        await pilot.press(*"agent", "enter")
        await settle(pilot)
        assert pilot.app.gateway.actor is not None


ADMIN_KEYS = ("ctrl+n", *"pigeon", "tab", *"Pigeon post", "tab", *"Голубиная почта", "ctrl+s")


@pytest.mark.parametrize("delay", DELAYS)
async def test_an_admin_entry_typed_right_after_choosing_the_area_is_saved_as_typed(ui_settings, slow_services,
                                                                                    delay):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _open_admin(pilot)
        panel.focus_areas()
        await settle(pilot)
        slow_services(delay)
        await pilot.press("down", "down", "down", *ADMIN_KEYS)  # client categories: the list is still loading
        await settle(pilot)
        assert panel.area.name == "client_categories"
    with unit_of_work(ui_settings.database_url) as session:
        saved = directory.get_entry(session=session, actor=ADMIN, kind="client_categories", key="pigeon")
    assert saved.values["labels"] == {"en": "Pigeon post", "ru": "Голубиная почта"}
