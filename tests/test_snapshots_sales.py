"""The Sales screens at 80×24 (issue 26, item 7): the pipeline's stage columns as the demo agent sees their own
opportunities, the Nord group's draft office bundle in the quote view (structural discount, totals, a
configuration problem next to its item and in full under the items) and its opportunity with its stage
history, quote and activities (overdue ones in the error colour), and the form of a new opportunity. Dates
the demo sets around the seeding moment (validity, stage times, expected close, activities) are fixed first.
Update deliberately: --snapshot-update, then look at the pictures."""

from __future__ import annotations

from datetime import UTC, date, datetime

from helpers import press_and_settle, settle
from sqlalchemy import delete, update
from sqlmodel import col
from test_snapshots import _login
from test_snapshots_sales_calendar import _fixed_week
from test_snapshots_small import SMALL, utc  # noqa: F401 - the fixture

from crmterm.app import make_app
from crmterm.store import Opportunity, OpportunityStage, Quote, SalesActivity
from crmterm.store.db import unit_of_work


def test_sales_pipeline_small(snap_compare, snapshot_settings, utc):  # noqa: F811 - the fixture
    async def run(pilot):
        await _login(pilot, "agent")
        await press_and_settle(pilot, "alt+s")

    assert snap_compare(make_app(snapshot_settings), terminal_size=SMALL, run_before=run)


def test_sales_quote_small(snap_compare, snapshot_settings, utc):  # noqa: F811 - the fixture
    from crmterm.screens.sales.quote_view import QuoteScreen

    with unit_of_work(snapshot_settings.database_url) as session:
        session.execute(update(Quote).values(valid_until=date(2099, 1, 31)))
    first = 1  # the demo's first quote: the Nord group's draft bundle

    async def run(pilot):
        await _login(pilot, "agent")
        pilot.app.push_screen(QuoteScreen(first))
        await settle(pilot)
        await press_and_settle(pilot, "a")
        await press_and_settle(pilot, *"internet_100", "enter")

    assert snap_compare(make_app(snapshot_settings), terminal_size=SMALL, run_before=run)


def test_sales_opportunity_small(snap_compare, snapshot_settings, utc):  # noqa: F811 - the fixture
    from crmterm.screens.sales.opportunity_view import OpportunityScreen

    with unit_of_work(snapshot_settings.database_url) as session:
        session.execute(update(Quote).values(valid_until=date(2099, 1, 31)))
        session.execute(update(OpportunityStage).values(at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC)))
        session.execute(update(Opportunity).values(expected_close=date(2099, 2, 1)))
    _fixed_week(snapshot_settings.database_url)  # its activities: one done, two overdue, one ahead
    with unit_of_work(snapshot_settings.database_url) as session:
        session.execute(delete(SalesActivity).where(col(SalesActivity.title).in_(("Contract draft",
                                                                                 "Confirm the order"))))
        session.execute(update(SalesActivity).where(SalesActivity.title == "Meet the buyer")
                        .values(starts_at=datetime(2099, 3, 5, 16, tzinfo=UTC)))

    async def run(pilot):
        await _login(pilot, "agent")
        pilot.app.push_screen(OpportunityScreen(1))  # the demo's first: the Nord group's office bundle
        await settle(pilot)

    assert snap_compare(make_app(snapshot_settings), terminal_size=SMALL, run_before=run)


def test_sales_forecast_small(snap_compare, snapshot_settings, utc):  # noqa: F811 - the fixture
    """F on the pipeline: the supervisor's weighted pipeline by month of expected close (fixed months first)."""
    with unit_of_work(snapshot_settings.database_url) as session:
        for number, month in enumerate((date(2099, 1, 15), date(2099, 2, 15), date(2099, 3, 15))):
            session.execute(update(Opportunity).where(Opportunity.id % 3 == number).values(expected_close=month))

    async def run(pilot):
        await _login(pilot, "supervisor")
        await press_and_settle(pilot, "alt+s")
        await press_and_settle(pilot, "f")

    assert snap_compare(make_app(snapshot_settings), terminal_size=SMALL, run_before=run)


def test_sales_new_opportunity_small(snap_compare, snapshot_settings, utc):  # noqa: F811 - the fixture
    """N in the pipeline's proposal column: the form starts in that stage; a search finding several customers
    names them under the field, with their numbers to type."""

    async def run(pilot):
        await _login(pilot, "agent")
        await press_and_settle(pilot, "alt+s")
        await press_and_settle(pilot, "right", "right", "n")
        await press_and_settle(pilot, *"Nord", "tab", *"Wi-Fi", "enter")

    assert snap_compare(make_app(snapshot_settings), terminal_size=SMALL, run_before=run)
