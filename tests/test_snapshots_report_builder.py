"""How the report builder looks at 80×24 with a result: inquiries by queue over March 2026 of a fixed history
(report_world, seeded), the totals row and the bar chart. Update deliberately: pytest --snapshot-update, then
look at the SVG."""

from __future__ import annotations

import time

from textual.widgets import Input

from crmterm.app import make_app
from helpers import settle_screen, settle_until
from report_world import build
from test_snapshots import _login


def test_report_builder_with_a_chart(snap_compare, snapshot_settings, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")  # the period's days are local days
    time.tzset()
    build(snapshot_settings.database_url, inquiries=200)

    async def run_report(pilot):
        await _login(pilot, "supervisor")
        await pilot.press("ctrl+l", "f8")
        await settle_until(pilot, lambda: "queue" in getattr(pilot.app.screen, "form").offered.get("#rb-group", ()))
        pilot.app.screen.query_one("#rb-group").value = "queue"
        pilot.app.screen.query_one("#rb-from", Input).value = "2026-03-01"  # not "this month": fixed dates
        pilot.app.screen.query_one("#rb-to", Input).value = "2026-03-31"
        await pilot.press("ctrl+r")
        await settle_until(pilot, lambda: pilot.app.screen.table is not None)
        await settle_screen(pilot)  # a loaded machine may still be a frame behind

    try:
        assert snap_compare(make_app(snapshot_settings), terminal_size=(80, 24), run_before=run_report)
    finally:
        monkeypatch.undo()  # the zone is process-wide: give the next test the one it started with
        time.tzset()
