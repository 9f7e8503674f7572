"""The card's Equipment tab at 80×24 (issue 27, item 1): the Nord group's installed base with warranties and
the service contracts naming it. Dates are fixed here, so the picture does not change with the calendar.
Update deliberately: --snapshot-update, then look at it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update
from textual.widgets import TabbedContent

from crmterm.app import make_app
from crmterm.store import ServiceAsset, ServiceContract, ServiceWarranty
from crmterm.store.db import unit_of_work
from helpers import press_and_settle, settle
from test_snapshots import _login

SMALL = (80, 24)


def _fixed_dates(url: str) -> None:
    with unit_of_work(url) as session:
        for serial, day in (("RT-NORD-0001", date(2019, 3, 1)), ("IPP-NORD-0001", date(2026, 3, 1))):
            session.execute(update(ServiceAsset).where(ServiceAsset.serial == serial).values(installed_on=day))
        session.execute(update(ServiceWarranty).where(ServiceWarranty.model == "ip_phone").values(months=240))
        session.execute(update(ServiceContract).where(ServiceContract.code == "SVC-GOLD-NORD")
                        .values(valid_from=date(2026, 1, 1), valid_to=date(2040, 1, 1)))


def test_card_equipment_small(snap_compare, snapshot_settings):
    _fixed_dates(snapshot_settings.database_url)

    async def run(pilot):
        await _login(pilot, "agent")
        await press_and_settle(pilot, "f3", *"nord group", "enter")
        pilot.app.screen.query_one("#card-tabs", TabbedContent).active = "tab-assets"
        for _round in range(50):  # the tab fills from its own worker
            if pilot.app.screen.query_one("#card-assets").row_count:
                break
            await pilot.pause(0.1)
        await settle(pilot)

    assert snap_compare(make_app(snapshot_settings), terminal_size=SMALL, run_before=run)
