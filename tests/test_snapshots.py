"""How the screens look (fixed terminal size). Update deliberately: pytest --snapshot-update, then look."""

from __future__ import annotations

from crmterm.app import make_app
from helpers import settle

SIZE = (100, 32)


async def _login(pilot, login: str) -> None:
    await settle(pilot)  # the app prepares the database first
    await pilot.click("#login")
    await pilot.press(*login, "enter", *login, "enter")
    await settle(pilot)


def test_login_screen(snap_compare, snapshot_settings):
    app = make_app(snapshot_settings, demo_logins={"admin": "admin", "agent": "agent"})
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


def test_agent_workspace(snap_compare, snapshot_settings):
    assert snap_compare(make_app(snapshot_settings), terminal_size=SIZE,
                        run_before=lambda pilot: _login(pilot, "agent"))


def test_admin_contact_places(snap_compare, snapshot_settings):
    async def open_places(pilot):
        await _login(pilot, "admin")
        await pilot.press("f10", "down", "down")
        await settle(pilot)
        await settle(pilot)

    assert snap_compare(make_app(snapshot_settings), terminal_size=SIZE, run_before=open_places)


def test_customer_card(snap_compare, snapshot_settings):
    async def open_card(pilot):
        await _login(pilot, "agent")
        await pilot.press("f3", *"склад хим", "enter")
        await settle(pilot)

    assert snap_compare(make_app(snapshot_settings), terminal_size=(120, 36), run_before=open_card)


async def _open_disputed_charge(pilot) -> None:
    await _login(pilot, "admin")
    await pilot.press("f9")
    await settle(pilot)
    await pilot.press("down", "down", "down")
    await settle(pilot)
    await settle(pilot)


def test_topic_tree_editor(snap_compare, snapshot_settings):
    assert snap_compare(make_app(snapshot_settings), terminal_size=(140, 40), run_before=_open_disputed_charge)


def test_topic_preview_with_a_large_amount(snap_compare, snapshot_settings):
    async def fill(pilot):
        await _open_disputed_charge(pilot)
        pilot.app.screen.query_one("#a-amount").focus()
        await pilot.press(*"1500", "f5")
        await settle(pilot)

    assert snap_compare(make_app(snapshot_settings), terminal_size=(140, 40), run_before=fill)


def test_registration_half_filled(snap_compare, snapshot_settings):
    """A known caller found by number, a topic by its code, one attribute typed, the next one focused."""
    async def half_fill(pilot):
        await _login(pilot, "agent")
        await pilot.press("f4", *"+79161000001", "enter")
        await settle(pilot)
        await pilot.press(*"311", "enter")
        await settle(pilot)
        await pilot.press(*"2026-11-26 10:00", "tab")
        await settle(pilot)

    assert snap_compare(make_app(snapshot_settings), terminal_size=(140, 40), run_before=half_fill)
