"""Business calendars and business-time arithmetic: when a contact centre works, in its own time zone.

A calendar has an IANA time zone, working intervals per weekday (several a day, crossing midnight, or the
whole day), and exceptions: a date with intervals of its own (a shortened or special day) or none (a
holiday). Intervals are wall-clock times of the calendar's zone, as minutes from the local midnight of the
day they start on; one that crosses midnight (22:00–06:00) belongs to the day it starts on, so an exception
replaces the intervals *starting* on its date — a night shift begun the evening before a holiday still ends
in the morning.

Semantics, DST included: an instant is working time when the zone's wall clock at that instant shows a
time inside an interval of that local date (or inside the after-midnight part of the previous date's
interval). So on the day clocks spring forward the skipped wall-clock times never occur and an interval
loses them (01:00–05:00 across a 02:00→03:00 jump is 3 hours; one starting at 02:30 starts, in effect, at
03:00); on the day clocks fall back the repeated hour occurs twice and counts both times its wall-clock time
is inside an interval (00:00–03:00 across a 02:00→01:00 fall-back is 4 hours). A boundary inside the
repeated hour applies to both passes. This is what a wall clock in the office says, and the same rule
everywhere: an instant's status depends on nothing but its wall-clock reading.

The arithmetic walks day by day over working spans (never minute by minute), in exact integer microseconds.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crmterm.errors import ValidationError
from crmterm.i18n import _

Interval = tuple[int, int]  # minutes from the local midnight of its day; an end past 1440 crosses midnight
DAY_MINUTES = 1440
HORIZON_DAYS = 3660  # a deadline further than ten years away means the calendar has (almost) no working time

_US = 1_000_000
_MINUTE = 60 * _US
_HOUR_S = 3600
_DAY_US = 86_400 * _US
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ORDINAL_EPOCH = date(1970, 1, 1).toordinal()
# UTC offsets lie within -12 h … +14 h: instants of a local date lie within this much of its midnight.
_BEFORE_MIDNIGHT_US = 15 * 3600 * _US
_AFTER_DAY_US = 13 * 3600 * _US


class NoWorkingTime(ValidationError):
    """The calendar runs out of working time (an empty week, or none within the horizon)."""

    def __init__(self, code: str, start: datetime) -> None:
        super().__init__("week", _("calendar '{code}' has no working time within {days} days after {start}").format(
            code=code or "?", days=HORIZON_DAYS, start=start.isoformat(timespec="minutes")))


@dataclass(frozen=True, eq=True)
class BusinessCalendar:
    time_zone: str = "UTC"
    week: tuple[tuple[Interval, ...], ...] = ((),) * 7  # Monday first
    exceptions: Mapping[date, tuple[Interval, ...]] = field(default_factory=dict, hash=False)
    code: str = ""
    _always: bool = field(init=False, repr=False, compare=False)  # set by __post_init__

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {self.time_zone!r}") from None
        if len(self.week) != 7:
            raise ValueError("a week has seven days")
        for intervals in (*self.week, *self.exceptions.values()):
            for start, end in intervals:
                if not (0 <= start < DAY_MINUTES and start < end <= start + DAY_MINUTES):
                    raise ValueError(f"bad interval {(start, end)}")
        whole = ((0, DAY_MINUTES),)
        always = all(day == whole for day in (*self.week, *self.exceptions.values()))
        object.__setattr__(self, "_always", always)  # every instant works: arithmetic is plain subtraction

    @property
    def always(self) -> bool:
        return self._always

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def intervals_on(self, day: date) -> tuple[Interval, ...]:
        """The intervals starting on a local date: its exception if it has one, else its weekday's."""
        found = self.exceptions.get(day)
        return found if found is not None else self.week[day.weekday()]

    @property
    def has_weekly_time(self) -> bool:
        return any(self.week)

    def wall_segments(self, day: date) -> list[Interval]:
        """Working wall-clock minutes of a local date, within [0, 1440): its own intervals (cut at
        midnight) and what the previous date's intervals run past midnight, merged."""
        own = [(start, min(end, DAY_MINUTES)) for start, end in self.intervals_on(day)]
        spill = [(0, end - DAY_MINUTES) for _start, end in self.intervals_on(day - timedelta(days=1))
                 if end > DAY_MINUTES]
        return _merge(own + spill)


def twenty_four_seven(time_zone: str = "UTC", code: str = "24x7") -> BusinessCalendar:
    return BusinessCalendar(time_zone=time_zone, week=tuple(((0, DAY_MINUTES),) for _day in range(7)), code=code)


def _merge(intervals: list[Interval]) -> list[Interval]:
    merged: list[list[int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


# --- business-time arithmetic ----------------------------------------------------------------------------

def add_business_time(start: datetime, minutes: float, calendar: BusinessCalendar) -> datetime:
    """The earliest instant (UTC) by which `minutes` of working time have passed since `start`: never the
    start of the next working interval when the last minute ends one. Zero minutes give `start` itself."""
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    need, begin = round(minutes * _MINUTE), _to_us(start)
    if need == 0 or calendar.always:
        return _from_us(begin + need)
    for span_start, span_end in _spans(calendar, begin):
        if span_end - span_start >= need:
            return _from_us(span_start + need)
        need -= span_end - span_start
    raise NoWorkingTime(calendar.code, start)


def business_minutes_between(a: datetime, b: datetime, calendar: BusinessCalendar) -> float:
    """Working minutes from `a` to `b` (negative when `b` is before `a`)."""
    begin, end = _to_us(a), _to_us(b)
    if end < begin:
        return -business_minutes_between(b, a, calendar)
    if calendar.always:
        return (end - begin) / _MINUTE
    total = 0
    for span_start, span_end in _spans(calendar, begin, until=end):
        if span_start >= end:
            break
        total += min(span_end, end) - span_start
    return total / _MINUTE


def working_at(moment: datetime, calendar: BusinessCalendar) -> bool:
    begin = _to_us(moment)
    return next((s <= begin for s, _e in _spans(calendar, begin, until=begin + 1)), False)


def _spans(calendar: BusinessCalendar, begin: int, until: int | None = None) -> Iterator[Interval]:
    """Working spans [start, end) in UTC microseconds, in time order, from `begin` on (cut there).

    Dates are walked in order; the spans of one date are all found together and held in a heap until no
    later date can still produce an earlier span (a date's instants lie within -14 h … +36 h of its
    midnight), so even a zone whose dates overlap in UTC yields spans in order. Stops at `until`, or when
    the week is empty and the last exception is behind; without `until`, gives up after the horizon.
    """
    first = _local_date(calendar, begin) - timedelta(days=2)
    last_exception = max(calendar.exceptions, default=first)
    pending: list[Interval] = []
    for offset in itertools.count():
        if until is None and offset > HORIZON_DAYS + 4:
            raise NoWorkingTime(calendar.code, _from_us(begin))
        day = first + timedelta(days=offset)
        for span_start, span_end in _day_spans(calendar, day):
            if span_end > begin:
                heapq.heappush(pending, (max(span_start, begin), span_end))
        earliest_next = _midnight_us(day + timedelta(days=1)) - _BEFORE_MIDNIGHT_US
        while pending and pending[0][0] < earliest_next:
            yield heapq.heappop(pending)
        if until is not None and earliest_next >= until:
            return
        if not calendar.has_weekly_time and day > last_exception + timedelta(days=1):
            yield from (heapq.heappop(pending) for _n in range(len(pending)))
            return


def _day_spans(calendar: BusinessCalendar, day: date) -> list[Interval]:
    """The UTC spans of a local date's working wall-clock segments: for each stretch of constant UTC
    offset, the instants whose wall-clock reading (instant + offset) falls inside a segment."""
    segments = calendar.wall_segments(day)
    if not segments:
        return []
    midnight = _midnight_us(day)
    pieces = _pieces(calendar.time_zone, midnight - _BEFORE_MIDNIGHT_US, midnight + _DAY_US + _AFTER_DAY_US)
    spans = []
    for start, end in segments:
        for piece_start, piece_end, offset in pieces:
            low = max(piece_start, midnight + start * _MINUTE - offset)
            high = min(piece_end, midnight + end * _MINUTE - offset)
            if low < high:
                spans.append((low, high))
    return spans


def _pieces(time_zone: str, low: int, high: int) -> list[tuple[int, int, int]]:
    """[low, high) cut where the zone's UTC offset changes: (start, end, offset), all in microseconds.

    Offsets are sampled on the hour and a change between two samples is found by bisection to the second
    (transitions fall on whole seconds). Two changes within one hour that cancel out would be missed; the
    tz database has none (tests/test_calendar.py checks every zone for 1970–2040)."""
    hour = low // (_HOUR_S * _US) * _HOUR_S
    samples = [hour]
    while samples[-1] * _US < high:
        samples.append(samples[-1] + _HOUR_S)
    cuts, current = [], _offset_us(time_zone, samples[0])
    for before, after in zip(samples, samples[1:], strict=False):
        while _offset_us(time_zone, after) != current:  # more than one change in an hour: each is found
            before = _transition(time_zone, before, after, current)
            cuts.append((before * _US, current))
            current = _offset_us(time_zone, before)
    pieces, start = [], low
    for cut, offset in cuts:
        if cut > start:
            pieces.append((start, min(cut, high), offset))
        start = max(start, cut)
    pieces.append((start, high, current))
    return [p for p in pieces if p[0] < p[1]]


def _transition(time_zone: str, before: int, after: int, offset: int) -> int:
    """The first second in (before, after] whose offset is no longer `offset`."""
    while after - before > 1:
        middle = (before + after) // 2
        if _offset_us(time_zone, middle) == offset:
            before = middle
        else:
            after = middle
    return after


@lru_cache(maxsize=65_536)
def _offset_us(time_zone: str, second: int) -> int:
    offset = datetime.fromtimestamp(second, ZoneInfo(time_zone)).utcoffset()
    if offset is None:  # an aware datetime always has one; this tells the type checker
        raise ValueError(f"no UTC offset in {time_zone!r}")
    return offset // timedelta(microseconds=1)


def _local_date(calendar: BusinessCalendar, moment: int) -> date:
    return _from_us(moment).astimezone(calendar.zone).date()


def _midnight_us(day: date) -> int:
    """A local date's midnight as if it were UTC: wall-clock readings are compared on this scale."""
    return (day.toordinal() - _ORDINAL_EPOCH) * _DAY_US


def _to_us(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("an aware datetime is needed")
    return (moment - _EPOCH) // timedelta(microseconds=1)


def _from_us(moment: int) -> datetime:
    return _EPOCH + timedelta(microseconds=moment)
