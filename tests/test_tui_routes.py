"""The route editor in the Admin tab: steps and transitions as YAML, a live text diagram with the problems,
a broken route refused on save with the message next to the field, and a route edit saved."""

from __future__ import annotations

from textual.widgets import DataTable, Static, TextArea

from crmterm.app import make_app
from crmterm.services.directory import directory
from crmterm.store.db import unit_of_work
from helpers import ADMIN, settle
from test_tui import _open_admin


async def _open_routes(pilot):
    panel = await _open_admin(pilot)
    await panel.open_area("routes")
    await settle(pilot)
    table = panel.query_one("#entries", DataTable)
    table.focus()
    await pilot.press("enter")  # the first route: complaint
    await settle(pilot)
    return panel


async def test_route_editor_draws_the_route_and_refuses_a_dead_end(ui_settings):
    async with make_app(ui_settings).run_test(size=(160, 50)) as pilot:
        panel = await _open_routes(pilot)
        assert panel.current.key == "complaint"
        preview = panel.query_one("#route-preview", Static)
        assert str(preview.content).startswith("▶ first_line")
        transitions = panel.query_one("#f-transitions", TextArea)
        kept = transitions.text
        transitions.text = "- {code: to_billing, from: first_line, to: billing}\n"
        await settle(pilot)
        assert "no way out and not final" in str(preview.content)
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown = str(panel.query_one("#e-steps", Static).content)
        assert shown.startswith("steps[1] first_line: no path from here reaches a final step (and")
        assert transitions.text.startswith("- {code: to_billing")  # the form keeps what was typed
        transitions.text = kept.replace("Pass to billing", "Send to billing")
        await pilot.press("ctrl+s")
        await settle(pilot)
    with unit_of_work(ui_settings.database_url) as session:
        saved = directory.get_entry(session=session, actor=ADMIN, kind="routes", key="complaint")
    assert saved.values["transitions"][0]["labels"]["en"] == "Send to billing" and saved.version == 2
