"""Business calendars: worked examples (weekends, holidays, night shifts, DST both ways), the document format
with its field messages, and property tests against a minute-by-minute reference written here.

The property test runs a modest number of random cases by default; the acceptance run is
`CRMTERM_PROPERTY_EXAMPLES=10000 pytest tests/test_calendar.py -k reference`.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from crmterm.errors import ValidationError
from crmterm.workflow import calendar as cal
from crmterm.workflow.calendar import (
    BusinessCalendar, NoWorkingTime, add_business_time, business_minutes_between, twenty_four_seven, working_at,
)
from crmterm.workflow.calendar_spec import canonical_exceptions, canonical_week, from_document

EXAMPLES = int(os.environ.get("CRMTERM_PROPERTY_EXAMPLES", "150"))
NINE_TO_SIX = {"mon-fri": ["09:00-18:00"]}


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def office(zone: str = "Asia/Yekaterinburg", **exceptions) -> BusinessCalendar:
    return from_document("office", zone, NINE_TO_SIX, {d.replace("_", "-"): v for d, v in exceptions.items()})


# --- worked examples ---------------------------------------------------------------------------------------

def test_a_deadline_runs_over_the_weekend_and_a_holiday():
    bo = office(**{"2026_03_09": []})  # Monday 9 March a holiday (Yekaterinburg is UTC+5 all year)
    friday_five_pm = utc(2026, 3, 6, 12)
    assert add_business_time(friday_five_pm, 60, bo) == utc(2026, 3, 6, 13)  # the last minute ends Friday 18:00
    assert add_business_time(friday_five_pm, 120, bo) == utc(2026, 3, 10, 5)  # Tuesday 10:00 local
    assert business_minutes_between(friday_five_pm, utc(2026, 3, 10, 5), bo) == 120
    assert business_minutes_between(utc(2026, 3, 10, 5), friday_five_pm, bo) == -120
    assert add_business_time(utc(2026, 3, 7, 3), 0, bo) == utc(2026, 3, 7, 3)  # zero: the start itself


def test_a_shortened_day_and_several_intervals_a_day():
    lunch = from_document("lunch", "Europe/Moscow", {"mon-fri": "09:00-13:00, 14:00-18:00"},
                          {"2026-03-06": ["09:00-12:00"]})
    assert add_business_time(utc(2026, 3, 5, 9), 90, lunch) == utc(2026, 3, 5, 11, 30)  # 12:00 + lunch + 30 min
    assert add_business_time(utc(2026, 3, 6, 8), 120, lunch) == utc(2026, 3, 9, 7)  # Friday ends at 12:00


def test_a_night_shift_crosses_midnight_and_belongs_to_the_day_it_starts_on():
    nights = from_document("nights", "UTC", {"mon-fri": ["22:00-06:00"]}, {"2026-03-10": []})
    assert add_business_time(utc(2026, 3, 9, 23), 180, nights) == utc(2026, 3, 10, 2)
    # Tuesday is a holiday: Monday's shift still ends at 06:00 on it, Tuesday's own does not start
    assert business_minutes_between(utc(2026, 3, 9), utc(2026, 3, 11), nights) == 8 * 60
    assert working_at(utc(2026, 3, 10, 5, 59), nights) and not working_at(utc(2026, 3, 10, 22), nights)


def test_daylight_saving_time_skips_the_missing_hour_and_counts_the_repeated_one_twice():
    early = from_document("early", "America/New_York", {"daily": ["00:00-03:00"]}, {})
    spring = BusinessCalendar("America/New_York", tuple(((60, 300),) for _d in range(7)))  # 01:00-05:00
    assert business_minutes_between(utc(2026, 3, 8), utc(2026, 3, 9), spring) == 3 * 60  # 02:00→03:00 jump
    assert business_minutes_between(utc(2026, 11, 1), utc(2026, 11, 2), early) == 4 * 60  # 01:00-02:00 twice
    starts_in_the_gap = BusinessCalendar("America/New_York", tuple(((150, 300),) for _d in range(7)))  # 02:30
    assert add_business_time(utc(2026, 3, 8, 5), 1, starts_in_the_gap) == utc(2026, 3, 8, 7, 1)  # 03:00 EDT
    sofia = from_document("sofia", "Europe/Sofia", {"daily": ["00:00-24:00"]}, {})
    assert business_minutes_between(utc(2026, 3, 28, 12), utc(2026, 3, 29, 12), sofia) == 24 * 60


def test_half_hour_zones_and_the_24x7_calendar():
    kolkata = office("Asia/Kolkata")
    assert add_business_time(utc(2026, 3, 6, 3, 30), 60, kolkata) == utc(2026, 3, 6, 4, 30)  # 09:00 IST start
    always = twenty_four_seven("Europe/Moscow")
    assert add_business_time(utc(2026, 3, 6, 3, 17, 5, 250), 1.5, always) == utc(2026, 3, 6, 3, 18, 35, 250)


def test_a_calendar_without_working_time_is_an_error_not_an_endless_walk():
    empty = BusinessCalendar("UTC", code="empty")
    with pytest.raises(NoWorkingTime, match="calendar 'empty' has no working time"):
        add_business_time(utc(2026, 1, 1), 1, empty)
    assert business_minutes_between(utc(2026, 1, 1), utc(2027, 1, 1), empty) == 0
    once = BusinessCalendar("UTC", exceptions={date(2026, 1, 5): ((540, 600),)})
    assert add_business_time(utc(2026, 1, 1), 60, once) == utc(2026, 1, 5, 10)
    with pytest.raises(NoWorkingTime):
        add_business_time(utc(2026, 1, 1), 61, once)


def test_no_zone_changes_its_offset_twice_within_an_hour():
    """The walk samples offsets hourly and bisects; that finds every change unless two fall within an hour."""
    from zoneinfo import _zoneinfo

    close = []
    for key in sorted(available_timezones()):
        moments = [t for t in _zoneinfo.ZoneInfo.no_cache(key)._trans_utc if 0 <= t <= 2_240_611_200]
        close += [(key, a) for a, b in zip(moments, moments[1:], strict=False) if b - a < 3600]
    assert close == []


# --- the document format -----------------------------------------------------------------------------------

def test_documents_are_read_into_one_canonical_form():
    calendar = from_document("x", "UTC", {"mon-fri": ["14:00-18:00", "09:00-13:00"], "sat": "10:00-14:00",
                                          "sun": ["22:00-02:00"]}, {date(2026, 1, 1): [], "2026-01-02": "10:00-15:00"})
    assert canonical_week(calendar.week) == {"mon-fri": ["09:00-13:00", "14:00-18:00"], "sat": ["10:00-14:00"],
                                             "sun": ["22:00-02:00"]}
    assert canonical_week(from_document("z", "UTC", {"mon": "9:00-18:00", "wed-thu": "09:00-18:00"}, {}).week) == {
        "mon": ["09:00-18:00"], "wed-thu": ["09:00-18:00"]}
    assert canonical_exceptions(dict(calendar.exceptions)) == {"2026-01-01": [], "2026-01-02": ["10:00-15:00"]}
    whole = from_document("y", "UTC", {"daily": ["00:00-24:00"]}, None)
    assert canonical_week(whole.week) == {"daily": ["00:00-24:00"]}


@pytest.mark.parametrize(("zone", "week", "exceptions", "field", "message"), [
    ("Mars/Olympus", NINE_TO_SIX, {}, "time_zone", "unknown time zone 'Mars/Olympus'"),
    ("UTC", {"mon": ["09:00-25:00"]}, {}, "week.mon", "'25:00' is not a time of day"),
    ("UTC", {"mon": ["09:00-13:00", "12:00-18:00"]}, {}, "week.mon", "09:00-13:00 overlaps 12:00-18:00"),
    ("UTC", {"mon": ["22:00-06:00"], "tue": ["05:00-10:00"]}, {}, "week.mon", "22:00-06:00 runs into tue"),
    ("UTC", {"mon": ["09:00-09:00"]}, {}, "week.mon", "is empty"),
    ("UTC", {"funday": ["09:00-18:00"]}, {}, "week", "'funday' is not a day"),
    ("UTC", {}, {}, "week", "working hours on at least one weekday"),
    ("UTC", NINE_TO_SIX, {"2026-02-30": []}, "exceptions", "'2026-02-30' is not a date"),
    ("UTC", NINE_TO_SIX, {"2026-03-02": ["nine-ten"]}, "exceptions.2026-03-02", "'nine' is not a time of day"),
])
def test_a_bad_document_names_the_field(zone, week, exceptions, field, message):
    with pytest.raises(ValidationError) as error:
        from_document("bad", zone, week, exceptions)
    assert error.value.field == field and message in error.value.detail


# --- property tests against a minute-by-minute reference ---------------------------------------------------

class Reference:
    """Brute force, from the definition: a UTC minute works when the zone's wall clock at it reads a time
    inside an interval of that local date, or inside the previous date's interval past midnight."""

    def __init__(self, calendar: BusinessCalendar) -> None:
        self.calendar, self.zone, self.flags = calendar, ZoneInfo(calendar.time_zone), {}

    def _starting(self, day: date):
        found = self.calendar.exceptions.get(day)
        return found if found is not None else self.calendar.week[day.weekday()]

    def _day(self, day: date) -> bytearray:
        if day not in self.flags:
            flags = bytearray(1440)
            for start, end in self._starting(day):
                flags[start:min(end, 1440)] = b"\1" * (min(end, 1440) - start)
            for _start, end in self._starting(day - timedelta(days=1)):
                if end > 1440:
                    flags[:end - 1440] = b"\1" * (end - 1440)
            self.flags[day] = flags
        return self.flags[day]

    def working(self, minute: int) -> bool:
        local = datetime.fromtimestamp(minute * 60, self.zone)
        return bool(self._day(local.date())[local.hour * 60 + local.minute])

    def add(self, start: int, minutes: int) -> int:
        if minutes == 0:
            return start
        for minute in range(start, start + 90 * 1440):
            minutes -= self.working(minute)
            if minutes == 0:
                return minute + 1
        raise AssertionError("the reference gave up")

    def between(self, start: int, end: int) -> int:
        return sum(self.working(minute) for minute in range(start, end))


ZONES = ["Europe/Moscow", "Europe/Sofia", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe",
         "America/Sao_Paulo", "Pacific/Apia", "UTC"]
FIRST, LAST = utc(2009, 1, 1), utc(2031, 1, 1)
MINUTE_OF_DAY = st.one_of(st.integers(0, 1439), st.sampled_from([0, 30, 60, 90, 120, 150, 180, 1380, 1410]))


@lru_cache(maxsize=None)
def transitions(zone: str) -> list[int]:
    """UTC minutes at which the zone's offset changes in 2009–2030 (found by the reference's own scan)."""
    found, step, moment = [], 3600, int(FIRST.timestamp())
    last = datetime.fromtimestamp(moment, ZoneInfo(zone)).utcoffset()
    while moment < LAST.timestamp():
        offset = datetime.fromtimestamp(moment + step, ZoneInfo(zone)).utcoffset()
        if offset != last:
            minute = next(m for m in range(moment // 60, (moment + step) // 60 + 1)
                          if datetime.fromtimestamp(m * 60, ZoneInfo(zone)).utcoffset() == offset)
            found.append(minute)
            last = offset
        moment += step
    return found or [int(FIRST.timestamp()) // 60]


@st.composite
def day_intervals(draw) -> tuple:
    kind = draw(st.sampled_from(["off", "some", "some", "some", "full"]))
    if kind == "off":
        return ()
    if kind == "full":
        return ((0, 1440),)
    count = draw(st.integers(1, 3))
    points = sorted(draw(st.sets(MINUTE_OF_DAY, min_size=2 * count, max_size=2 * count)))
    intervals = [(points[n], points[n + 1]) for n in range(0, 2 * count, 2)]
    start, end = intervals[-1]
    if start > 0 and (end == 1439 or draw(st.integers(0, 3)) == 0):  # the last one runs past midnight
        intervals[-1] = (start, 1440 + draw(st.integers(1, min(start, 600))))
    return tuple(intervals)


@st.composite
def cases(draw):
    zone = draw(st.sampled_from(ZONES))
    week = tuple(draw(day_intervals()) for _day in range(7))
    if not any(week):
        week = (((540, 1080),),) + week[1:]
    if draw(st.integers(0, 5)) == 0:
        start = draw(st.integers(int(FIRST.timestamp()) // 60, int(LAST.timestamp()) // 60))
    else:
        start = draw(st.sampled_from(transitions(zone))) + draw(st.integers(-3 * 1440, 3 * 1440))
    local = datetime.fromtimestamp(start * 60, ZoneInfo(zone)).date()
    exceptions = {local + timedelta(days=draw(st.integers(-2, 12))): draw(day_intervals())
                  for _n in range(draw(st.integers(0, 3)))}
    calendar = BusinessCalendar(zone, week, exceptions, code="random")
    weekly = sum(min(end, 1440 + start) - start for day in week for start, end in day)
    minutes = draw(st.integers(0, max(1, min(weekly, 5 * 8 * 60))))
    span = draw(st.integers(0, 7 * 1440))
    return calendar, start, minutes, span


@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=EXAMPLES <= 150,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cases())
@example((BusinessCalendar("America/New_York", tuple(((60, 300),) for _d in range(7))),
          int(utc(2026, 3, 8, 5).timestamp()) // 60, 200, 1440))
def test_against_the_minute_by_minute_reference(case):
    calendar, start, minutes, span = case
    reference = Reference(calendar)
    begin = datetime.fromtimestamp(start * 60, UTC)
    due = add_business_time(begin, minutes, calendar)
    assert due == datetime.fromtimestamp(reference.add(start, minutes) * 60, UTC)
    assert business_minutes_between(begin, due, calendar) == minutes
    end = begin + timedelta(minutes=span)
    assert business_minutes_between(begin, end, calendar) == reference.between(start, start + span)
    assert working_at(begin, calendar) == reference.working(start)


def test_offsets_are_cached_per_second_not_per_call():
    cal._offset_us.cache_clear()
    add_business_time(utc(2026, 3, 6), 5 * 8 * 60, office())
    assert cal._offset_us.cache_info().currsize < 400
