"""Offline sync in the TUI on a laptop node (issue 30): the status bar shows the node's state, Alt+Z lists the
conflicts, T takes the server's value after a confirmation, E edits a value (a refused one is named under the
input, which keeps it), S synchronises (here: the server is away, and it says so), L opens the sync log, and
the palette opens it too. On a database that is not a node the status bar shows nothing of sync and Alt+Z
does nothing (the workspace snapshots stay as they were)."""

from __future__ import annotations

from datetime import UTC, datetime

from helpers import notices, settle, settle_until
from sync_node_data import make_node
from test_tui import SIZE, _login
from textual.command import CommandList
from textual.widgets import Input, Static

from crmterm.app import make_app
from crmterm.screens.common.dialogs import ConfirmScreen
from crmterm.screens.sync.conflict_edit import ConflictEditDialog
from crmterm.screens.sync.conflicts import ConflictsScreen
from crmterm.screens.sync.sync_log import SyncLogScreen
from crmterm.screens.sync.sync_watch import sync_badge
from crmterm.services.sync.status import SyncStatus
from crmterm.store import Party
from crmterm.store.db import unit_of_work
from crmterm.widgets.chrome import StatusBar


async def test_the_conflicts_are_resolved_from_the_workspace(ui_settings):
    node = make_node(ui_settings.database_url)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "agent", "agent")
        shown = str(pilot.app.screen.query_one(StatusBar).render())
        assert "⇅ offline · 1 pending · conflicts: 3 · synced" in shown
        assert any("conflicts to resolve (3)" in str(n.message) for n in notices(pilot.app))
        await pilot.press("alt+z")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ConflictsScreen)
        assert [c.id for c in screen.found] == [node.phone, node.email, node.refused]
        await pilot.press("t")  # the phone: theirs, after the question
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert [c.id for c in screen.found] == [node.email, node.refused]
        await pilot.press("e")  # the e-mail: an address of one's own
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, ConflictEditDialog)
        dialog.query_one(Input).value = "no address"
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is dialog and dialog.query_one(Input).value == "no address"
        assert "e-mail" in str(dialog.query_one("#sync-edit-error", Static).render())
        dialog.query_one(Input).value = "agreed@example.com"
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is screen and [c.id for c in screen.found] == [node.refused]
        await pilot.press("s")  # sync now: the server (a closed port) does not answer
        await settle_until(pilot, lambda: any("unreachable" in str(n.message) for n in notices(pilot.app)))
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SyncLogScreen) and pilot.app.screen.query_one("#sync-log").row_count == 4
        await pilot.press("escape", "escape")  # the workspace's watcher saw the resolutions committed
        bar = pilot.app.screen.query_one(StatusBar)
        await settle_until(pilot, lambda: "conflicts: 1 ·" in str(bar.render()))
        assert "⇅ offline · 2 pending · conflicts: 1 · synced" in str(bar.render())  # the edit waits for a push
        await pilot.press("ctrl+p")  # the log from the command palette too
        await settle(pilot)
        await pilot.press(*"sync log")
        await settle_until(pilot, lambda: pilot.app.screen.query_one(CommandList).option_count > 0)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SyncLogScreen)
    with unit_of_work(ui_settings.database_url) as session:
        assert session.get(Party, node.parties[0]).phone == "+74951112233"
        assert session.get(Party, node.parties[1]).email == "agreed@example.com"


def test_the_badge_is_empty_off_a_node_and_says_the_state_on_one():
    assert sync_badge(None) == "" and sync_badge(SyncStatus(False, None, None, None, 0, 0, None, None)) == ""
    at = datetime(2026, 3, 2, 10, 42, tzinfo=UTC)
    state = SyncStatus(True, "https://crm.example.com", "agent", True, 3, 0, at, None)
    assert sync_badge(state, today=at).startswith("⇅ online · 3 pending · synced ")
