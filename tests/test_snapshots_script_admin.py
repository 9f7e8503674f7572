"""How script authoring looks: the retention script's outline, a new answer without a target listed as a
problem, and the question's form (fixed terminal size)."""

from __future__ import annotations

from crmterm.app import make_app
from helpers import settle
from test_snapshots import _login


def test_script_editor_with_a_problem(snap_compare, snapshot_settings):
    async def add_an_answer(pilot):
        await _login(pilot, "admin")
        await pilot.press("f10", "end", "enter")
        await settle(pilot)
        await pilot.press("down")  # no_data → retention
        await settle(pilot)
        await pilot.press("enter", "enter", "alt+a")
        await settle(pilot)
        await pilot.press(*"Other")
        await settle(pilot)

    assert snap_compare(make_app(snapshot_settings), terminal_size=(140, 40), run_before=add_an_answer)
