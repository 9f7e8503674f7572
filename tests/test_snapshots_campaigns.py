"""The campaigns screen at 80×24 (issue 29, item 4): one campaign of five demo customers, the agent's first call
taken — customer, offer and the retention script's first questions. Update deliberately: --snapshot-update,
then look at the picture."""

from __future__ import annotations

from helpers import settle
from test_snapshots import _login
from test_snapshots_small import SMALL, utc  # noqa: F401 - the fixture
from test_tui_campaigns import make_campaign

from crmterm.app import make_app


def test_campaign_call_small(snap_compare, snapshot_settings, utc):  # noqa: F811 - the fixture
    from crmterm.screens.retention.campaigns import CampaignsScreen

    make_campaign(snapshot_settings.database_url)

    async def run(pilot):
        await _login(pilot, "agent")
        pilot.app.push_screen(CampaignsScreen())
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)

    assert snap_compare(make_app(snapshot_settings), terminal_size=SMALL, run_before=run)
