"""Idle lock (issue 12, part 2): after `idle_lock_minutes` without a key or mouse event the workspace is
covered by a lock that only the same user's password (or logging out) lifts; what was typed is kept."""

from __future__ import annotations

from dataclasses import replace
from time import monotonic

import pytest
from textual.widgets import Input, Static

from crmterm.app import make_app
from crmterm.errors import ConfigError
from crmterm.screens.shell.lock import LockScreen
from crmterm.screens.shell.login import LoginScreen
from crmterm.screens.shell.workspace import WorkspaceScreen
from crmterm.settings import resolve
from helpers import settle
from test_display_safety import screen_lines
from test_snapshots import _login as snapshot_login
from test_tui import SIZE, _login

TYPED = "Khimki warehouse"


async def _idle_on_customers(pilot) -> Input:
    """Log in as agent, type into the customer search and let 16 idle minutes pass (by the clock given)."""
    await _login(pilot, "agent", "agent")
    await pilot.press("f3", *TYPED)
    await settle(pilot)
    search = pilot.app.screen.focused
    assert isinstance(search, Input) and search.value == TYPED
    assert not pilot.app.lock_if_idle(now=monotonic() + 14 * 60)  # 14 minutes: not yet
    assert pilot.app.lock_if_idle(now=monotonic() + 16 * 60)
    await settle(pilot)
    assert isinstance(pilot.app.screen, LockScreen)
    return search


async def _type_password(pilot, password: str) -> None:
    await pilot.press(*password, "enter")
    await settle(pilot)


async def test_idle_lock_hides_the_workspace_and_the_same_password_lifts_it(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        search = await _idle_on_customers(pilot)
        shown = "\n".join(screen_lines(pilot.app)[0])
        assert "Screen locked" in shown and TYPED not in shown and "Customers" not in shown
        await pilot.press("escape", "ctrl+p", "ctrl+b", "f1")  # none of these gets past the lock
        await settle(pilot)
        assert isinstance(pilot.app.screen, LockScreen)
        await _type_password(pilot, "wrong")
        assert "Wrong login or password" in str(pilot.app.screen.query_one("#lock-error", Static).content)
        assert isinstance(pilot.app.screen, LockScreen)
        await _type_password(pilot, "agent")
        assert isinstance(pilot.app.screen, WorkspaceScreen) and not pilot.app.locked
        assert search.value == TYPED and pilot.app.gateway.actor.login == "agent"


async def test_five_wrong_passwords_lock_the_account_out_even_for_the_right_one(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _idle_on_customers(pilot)
        for _attempt in range(5):
            await _type_password(pilot, "guess")
        await _type_password(pilot, "agent")
        error = str(pilot.app.screen.query_one("#lock-error", Static).content)
        assert isinstance(pilot.app.screen, LockScreen) and "agent" not in error.lower().split()
        assert error and "Wrong login or password" not in error or "locked" in error.lower()


async def test_someone_else_logs_out_to_the_login_screen(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _idle_on_customers(pilot)
        await pilot.click("#lock-logout")
        await settle(pilot)
        assert isinstance(pilot.app.screen, LoginScreen) and len(pilot.app.screen_stack) == 2
        assert not pilot.app.lock_if_idle(now=monotonic() + 60 * 60)  # nobody signed in: nothing to lock


async def test_the_timer_locks_a_session_left_alone(ui_settings):
    settings = replace(ui_settings, idle_lock_minutes=0.5 / 60)  # half a second
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "agent", "agent")
        await pilot.pause(1.0)
        await settle(pilot)
        assert isinstance(pilot.app.screen, LockScreen) and pilot.app.screen.login == "agent"
        assert isinstance(pilot.app.screen_stack[-2], WorkspaceScreen)


async def test_no_lock_when_switched_off(ui_settings):
    async with make_app(replace(ui_settings, idle_lock_minutes=0)).run_test(size=SIZE) as pilot:
        await _login(pilot, "agent", "agent")
        assert not pilot.app.lock_if_idle(now=monotonic() + 24 * 3600)


def test_idle_minutes_from_the_config_file_and_the_environment(tmp_path):
    home = {"CRMTERM_HOME": str(tmp_path)}
    assert resolve(environ=home).idle_lock_minutes == 15
    assert resolve(environ=home | {"CRMTERM_IDLE_LOCK_MINUTES": "0"}).idle_lock_minutes == 0
    config = resolve(environ=home).where.config_file
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("idle_lock_minutes: 5\n", encoding="utf-8")
    assert resolve(environ=home).idle_lock_minutes == 5
    assert resolve(environ=home | {"CRMTERM_IDLE_LOCK_MINUTES": "2.5"}).idle_lock_minutes == 2.5
    with pytest.raises(ConfigError, match="idle_lock_minutes"):
        resolve(environ=home | {"CRMTERM_IDLE_LOCK_MINUTES": "soon"})


def test_lock_screen_snapshot(snap_compare, snapshot_settings):
    async def lock(pilot):
        await snapshot_login(pilot, "agent")
        pilot.app.lock_if_idle(now=monotonic() + 3600)
        await settle(pilot)

    assert snap_compare(make_app(snapshot_settings), terminal_size=(100, 32), run_before=lock)
