"""Offline sync screens at 80×24 (issue 30): the conflict screen of a laptop node (two fields changed on both
sides, one refused close) and its sync log. Update deliberately: --snapshot-update, then look at the pictures."""

from __future__ import annotations

from helpers import press_and_settle
from sync_node_data import make_node
from test_snapshots import _login
from test_snapshots_small import SMALL, utc  # noqa: F401 - the fixture

from crmterm.app import make_app


def _walk(*keys: str):
    async def run(pilot):
        await _login(pilot, "agent")
        pilot.app.clear_notifications()  # "synchronisation left 3 conflicts": shown at log-in, not the subject
        await press_and_settle(pilot, *keys)

    return run


def test_sync_conflicts_small(snap_compare, snapshot_settings, utc):  # noqa: F811 - the fixture
    make_node(snapshot_settings.database_url)
    assert snap_compare(make_app(snapshot_settings), terminal_size=SMALL, run_before=_walk("alt+z"))


def test_sync_log_small(snap_compare, snapshot_settings, utc):  # noqa: F811 - the fixture
    make_node(snapshot_settings.database_url)
    assert snap_compare(make_app(snapshot_settings), terminal_size=SMALL, run_before=_walk("alt+z", "l"))
