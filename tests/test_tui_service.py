"""The Register tab's entitlement line (issue 27, item 3): a caller from the Nord group, covered by the demo's
gold contract for technical topics, then a billing topic, which the contract does not cover (chargeable)."""

from __future__ import annotations

from textual.widgets import Static

from crmterm.app import make_app
from helpers import settle
from test_tui_register import SIZE, _agent


async def test_register_shows_whether_the_caller_is_covered_next_to_the_repeat_warning(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _agent(pilot)
        await pilot.press("f4", *"NORD-005", "enter")  # Khimki warehouse, below the group in the organisation
        await settle(pilot)
        line = panel.query_one("#reg-entitlement", Static)
        await pilot.press(*"341", "enter")  # Technical problems › Home internet › No connection
        await settle(pilot)
        assert line.display and line.has_class("-covered")
        assert "✓ SVC-GOLD-NORD: response 2 h, resolution 8 h" in str(line.content)
        siblings = list(line.parent.children)
        assert siblings.index(line) == siblings.index(panel.query_one("#reg-repeat")) + 1
        topic = panel.query_one("#topic-input")
        topic.value = ""
        topic.focus()
        await pilot.press(*"11", "enter")  # Billing › Balance and charges
        await settle(pilot)
        assert line.has_class("-chargeable") and "Not covered" in str(line.content)
