"""Inquiries per day (services/reports/reports_daily) on both databases against a count in Python of the same
history (report_world), in UTC and in a zone east of it, with filters; permissions and a bad period."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pytest

from crmterm.errors import PermissionDenied, ValidationError
from crmterm.services.reports import reports
from crmterm.services.reports.reports_daily import daily_counts, period_days
from crmterm.store.db import unit_of_work
from helpers import AGENT, AUDITOR, SUPERVISOR
import report_world as bf
from report_world import world  # noqa: F401 - the shared module-scoped fixture
from report_world import END, START

MOSCOW = timezone(timedelta(hours=3))


def daily(world: bf.World, start=START, end=END, filters: dict | None = None, actor=SUPERVISOR):
    params = reports.ReportParams(start=start, end=end, filters=reports.ReportFilters(**(filters or {})))
    with unit_of_work(world.url) as session:
        return daily_counts(session=session, actor=actor, params=params)


def expected(world: bf.World, start, end, filters: dict) -> Counter:
    return Counter(i["created_at"].astimezone(start.tzinfo).date()
                   for i in bf.in_period(world, filters, start, end))


@pytest.mark.parametrize("zone, filters", [(timezone.utc, {}), (MOSCOW, {}),
                                           (timezone.utc, {"channel": "phone", "topic": "billing"})])
def test_every_day_of_the_period_with_its_count(world, zone, filters):
    start, end = datetime(2026, 3, 1, tzinfo=zone), datetime(2026, 4, 1, tzinfo=zone)
    got = daily(world, start, end, filters)
    want = expected(world, start, end, filters)
    assert [day for day, _n in got] == [date(2026, 3, 1) + timedelta(days=n) for n in range(31)]
    assert dict(got) == {day: want.get(day, 0) for day, _n in got}
    assert sum(n for _day, n in got) == len(bf.in_period(world, filters, start, end)) > 0


def test_a_period_of_moments_lists_the_days_it_touches(world):
    start, end = datetime(2026, 3, 10, 12, tzinfo=timezone.utc), datetime(2026, 3, 12, 6, tzinfo=timezone.utc)
    got = daily(world, start, end, actor=AUDITOR)
    assert [day for day, _n in got] == [date(2026, 3, 10), date(2026, 3, 11), date(2026, 3, 12)]
    assert sum(n for _day, n in got) == len(bf.in_period(world, {}, start, end))


def test_agents_may_not_and_a_reversed_period_is_refused(world):
    with pytest.raises(PermissionDenied):
        daily(world, actor=AGENT)
    with pytest.raises(ValidationError):
        daily(world, start=END, end=START)


def test_period_days_in_the_start_zone():
    start = datetime(2026, 3, 1, tzinfo=MOSCOW)
    assert period_days(start, datetime(2026, 3, 3, tzinfo=MOSCOW)) == [date(2026, 3, 1), date(2026, 3, 2)]
    assert period_days(start, datetime(2026, 3, 2, 21, 30, tzinfo=timezone.utc)) == [
        date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)]
