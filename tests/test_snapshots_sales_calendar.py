"""The sales calendar's week view at 80×24 (issue 26, item 4): the demo agent's week with fixed activities in
a week long past, so the open ones are overdue (error colour) and the done ones dimmed whenever it runs.
Update deliberately: --snapshot-update, then look at the picture."""

from __future__ import annotations

from datetime import UTC, date, datetime

from helpers import settle
from sqlalchemy import delete
from sqlmodel import select
from test_snapshots import _login
from test_snapshots_small import SMALL, utc  # noqa: F401 - the fixture

from crmterm.app import make_app
from crmterm.store import Opportunity, SalesActivity, User
from crmterm.store.db import unit_of_work

# (day of March 2026, hour, kind, title, minutes, done)
_WEEK = ((2, 9, "call", "Intro call", 15, True), (2, 14, "meeting", "Requirements workshop", 60, False),
         (3, 10, "call", "Walk through the proposal", 20, False), (4, 11, "task", "Contract draft", 45, True),
         (5, 16, "meeting", "Meet the buyer", 60, False), (6, 10, "call", "Confirm the order", 15, False))


def _fixed_week(url: str) -> None:
    with unit_of_work(url) as session:
        session.execute(delete(SalesActivity))
        agent = session.exec(select(User.id).where(User.login == "agent")).one()
        deal = session.exec(select(Opportunity).where(Opportunity.id == 1)).one()  # the Nord group's bundle
        for day, hour, kind, title, minutes, done in _WEEK:
            session.add(SalesActivity(kind=kind, title=title, party_id=deal.party_id, opportunity_id=deal.id,
                                      owner_id=agent, starts_at=datetime(2026, 3, day, hour, tzinfo=UTC),
                                      duration=minutes, state="done" if done else "open",
                                      outcome="Agreed" if done else ""))


def test_sales_calendar_week_small(snap_compare, snapshot_settings, utc):  # noqa: F811 - the fixture
    from crmterm.screens.sales.calendar import CalendarScreen

    _fixed_week(snapshot_settings.database_url)

    async def run(pilot):
        await _login(pilot, "agent")
        pilot.app.push_screen(CalendarScreen(day=date(2026, 3, 4)))
        await settle(pilot)

    assert snap_compare(make_app(snapshot_settings), terminal_size=SMALL, run_before=run)
