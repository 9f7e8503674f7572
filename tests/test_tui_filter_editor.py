"""Issue 31 item 4 in the TUI: the Queues tab's filter editor (Ctrl+E) — a refused value under its field, a
saved filter becoming the active tab, a group action over everything it matches (Shift+F6) — and one
picture of the editor at 80×24 (agent2's demo filter shared with the claims group)."""

from __future__ import annotations

from textual.widgets import Checkbox, Input, Static, Tabs

from crmterm.app import make_app
from crmterm.screens.queues.filter_editor import FilterEditor
from crmterm.screens.queues.queue_bulk import BulkDialog
from crmterm.store.db import unit_of_work
from helpers import SUPERVISOR, press_and_settle, settle, settle_until
from test_tui_queues import DISPUTE, _ids, _queues, register_disputes


def _big_dispute(url: str) -> int:
    from crmterm.services.inquiries.registration import ContactDraft, register

    draft = ContactDraft.model_validate({"channel": "phone", "place": "cc_msk", "customer": 1, "inquiries": [
        DISPUTE | {"values": DISPUTE["values"] | {"amount": "5000"}}]})
    with unit_of_work(url) as session:
        return register(session=session, actor=SUPERVISOR, draft=draft).inquiry_ids[0]


async def test_the_filter_editor_saves_a_typed_filter_that_a_group_action_covers(ui_settings):
    register_disputes(ui_settings.database_url, 2)
    big = _big_dispute(ui_settings.database_url)
    async with make_app(ui_settings).run_test(size=(120, 36)) as pilot:
        panel = await _queues(pilot, "supervisor")
        await press_and_settle(pilot, "ctrl+e")
        editor = pilot.app.screen
        assert isinstance(editor, FilterEditor)
        await pilot.press(*"Big")  # the name field has the focus
        editor.query_one("#f-attributes", Input).value = "amount contains 5"
        await press_and_settle(pilot, "ctrl+s")
        error = editor.query_one("#e-attributes", Static)
        assert pilot.app.screen is editor and error.display and "does not fit" in str(error.content)
        editor.query_one("#f-attributes", Input).value = "amount >= 1000"
        editor.query_one("#f-topic", Input).value = "billing"
        editor.query_one("#f-subtopics", Checkbox).value = True
        await press_and_settle(pilot, "ctrl+s")
        await settle_until(pilot, lambda: panel.filter_label() == "Big" and _ids(panel) == [big])
        assert panel.filter_label() == "Big" and _ids(panel) == [big]
        assert panel.query_one(Tabs).active.startswith("s-")
        await press_and_settle(pilot, "shift+f6")  # everything the filter matches
        await settle_until(pilot, lambda: isinstance(pilot.app.screen, BulkDialog))
        assert pilot.app.screen.count == 1 and pilot.app.screen.filter_name == "Big"
        await press_and_settle(pilot, "escape")


def test_filter_editor_screen(snap_compare, snapshot_settings):
    async def run(pilot):
        panel = await _queues(pilot, "agent2")
        await settle_until(pilot, lambda: bool(panel.saved))
        panel.query_one(Tabs).active = "s-0"  # the demo's "Large disputes"
        await settle(pilot)
        await press_and_settle(pilot, "ctrl+e")
        await settle_until(pilot, lambda: isinstance(pilot.app.screen, FilterEditor))
    assert snap_compare(make_app(snapshot_settings), terminal_size=(80, 24), run_before=run)
