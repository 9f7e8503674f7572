"""How the script runner looks: the retention script on an inquiry, two answers in (fixed terminal size)."""

from __future__ import annotations

from crmterm.app import make_app
from helpers import press_and_settle, settle
from test_snapshots import _login
from test_tui_scripts import termination


def test_script_runner_on_an_inquiry(snap_compare, snapshot_settings):
    from crmterm.screens.inquiry.inquiry_view import InquiryScreen

    inquiry_id = termination(snapshot_settings.database_url)

    async def walk_two_steps(pilot):
        await _login(pilot, "agent")
        pilot.app.push_screen(InquiryScreen(inquiry_id))
        await settle(pilot)
        await press_and_settle(pilot, "k")
        await press_and_settle(pilot, "1", "3")

    assert snap_compare(make_app(snapshot_settings), terminal_size=(120, 36), run_before=walk_two_steps)
