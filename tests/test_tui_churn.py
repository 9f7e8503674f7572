"""The churn-risk badge in the TUI (issue 29 item 3): in the customer search results and on the card, with
its reasons — the demo's high-risk customer."""

from __future__ import annotations

from helpers import settle, settle_until
from test_tui_customers import SIZE, _open_customers
from textual.widgets import DataTable

from crmterm.app import make_app
from crmterm.screens.retention.churn_badge import ChurnBadge


async def test_search_results_and_the_card_show_the_risk_with_reasons(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _open_customers(pilot)
        await pilot.press(*"иванова анна")
        hits = panel.query_one("#hits", DataTable)
        await settle_until(pilot, lambda: hits.row_count and "churn risk" in str(hits.get_row_at(0)))
        assert "⚑ churn risk high: complaints in the last 30 days" in str(hits.get_row_at(0))
        await pilot.press("enter")
        badge = panel.query_one("#card-churn", ChurnBadge)
        await settle_until(pilot, lambda: badge.display)
        shown = str(badge.content)
        assert shown.startswith("⚑ Churn risk high (71 %): complaints in the last 30 days") and badge.has_class("-high")
        panel.open(5)  # a customer at low risk: no badge
        await settle(pilot)
        await settle_until(pilot, lambda: not badge.display)
