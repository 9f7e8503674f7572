"""A business calendar as an admin writes it (YAML / JSON) and as it is stored: parsing, field messages,
and one canonical form (so an export imports back unchanged).

    time_zone: Asia/Yekaterinburg
    week:                               # days: mon … sun, ranges (mon-fri), daily
      mon-fri: [09:00-13:00, 14:00-18:00]
      sat: 10:00-14:00                  # one interval, or several separated by commas
    exceptions:                         # a date: its own intervals, or none (a holiday)
      2026-01-01: []
      2026-02-20: [09:00-17:00]

An interval whose end is not after its start crosses midnight (22:00-06:00); 00:00-24:00 is the whole day.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.workflow.calendar import DAY_MINUTES, BusinessCalendar, Interval

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_LONG = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
         "пн": 0, "вт": 1, "ср": 2, "чт": 3, "пт": 4, "сб": 5, "вс": 6}
_INTERVAL = re.compile(r"^\s*(\S+?)\s*[-–—]\s*(\S+)\s*$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


def parse_time(text: str, field: str, *, end: bool = False) -> int:
    found = _TIME.match(text)
    hours, minutes = (int(found[1]), int(found[2])) if found else (-1, -1)
    if not found or minutes > 59 or hours > 24 or (hours == 24 and (minutes or not end)):
        raise ValidationError(field, _("'{text}' is not a time of day (HH:MM, 00:00–23:59; 24:00 as an end)")
                              .format(text=text))
    return hours * 60 + minutes


def parse_interval(text: Any, field: str) -> Interval:
    found = _INTERVAL.match(str(text))
    if not found:
        raise ValidationError(field, _("'{text}' is not an interval like 09:00-18:00").format(text=text))
    start, end = parse_time(found[1], field), parse_time(found[2], field, end=True)
    if end == start:
        raise ValidationError(field, _("'{text}' is empty: its start and end are the same").format(text=text))
    return (start, end) if end > start else (start, end + DAY_MINUTES)  # crosses midnight


def format_interval(interval: Interval) -> str:
    start, end = interval
    end = end if end <= DAY_MINUTES else end - DAY_MINUTES
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


def parse_intervals(raw: Any, field: str) -> tuple[Interval, ...]:
    """A list of intervals (or one string, comma-separated), sorted; overlaps are refused."""
    if raw is None or raw == "" or raw == []:
        return ()
    items = [part for part in raw.split(",") if part.strip()] if isinstance(raw, str) else raw
    if not isinstance(items, list | tuple):
        raise ValidationError(field, _("expected a list of intervals like 09:00-18:00"))
    intervals = sorted(parse_interval(item, field) for item in items)
    for earlier, later in zip(intervals, intervals[1:], strict=False):
        if later[0] < earlier[1]:
            raise ValidationError(field, _("{a} overlaps {b}").format(a=format_interval(earlier),
                                                                        b=format_interval(later)))
    return tuple(intervals)


def _days(key: Any, field: str) -> list[int]:
    text = str(key).strip().casefold()
    if text in ("daily", "*", "all"):
        return list(range(7))
    first, _dash, last = text.partition("-")
    numbers = [DAYS.index(p) if p in DAYS else _LONG.get(p) for p in (first, last or first)]
    if None in numbers:
        raise ValidationError(field, _("'{key}' is not a day: use mon … sun, a range like mon-fri, or daily")
                              .format(key=key))
    low, high = cast(list[int], numbers)  # no None left (checked above)
    return list(range(low, high + 1)) if low <= high else [*range(low, 7), *range(0, high + 1)]


def parse_week(raw: Any) -> tuple[tuple[Interval, ...], ...]:
    if raw is None or raw == [] or raw == "":
        raw = {}
    if not isinstance(raw, dict):
        raise ValidationError("week", _("expected days with their intervals, e.g. mon-fri: [09:00-18:00]"))
    week: list[tuple[Interval, ...] | None] = [None] * 7
    for key, value in raw.items():
        for day in _days(key, "week"):
            if week[day] is not None:
                raise ValidationError("week", _("{day} is given twice").format(day=DAYS[day]))
            week[day] = parse_intervals(value, f"week.{DAYS[day]}")
    parsed = tuple(day or () for day in week)
    if not any(parsed):
        raise ValidationError("week", _("a calendar needs working hours on at least one weekday"))
    _check_nights(parsed)
    return parsed


def _check_nights(week: tuple[tuple[Interval, ...], ...]) -> None:
    """A shift running past midnight must end before the next day's first interval starts."""
    for day, intervals in enumerate(week):
        following = week[(day + 1) % 7]
        for interval in intervals:
            tail = interval[1] - DAY_MINUTES
            clash = next((other for other in following if other[0] < tail), None) if tail > 0 else None
            if clash is not None:
                raise ValidationError(f"week.{DAYS[day]}", _("{a} runs into {day} {b}").format(
                    a=format_interval(interval), day=DAYS[(day + 1) % 7], b=format_interval(clash)))


def parse_exceptions(raw: Any) -> dict[date, tuple[Interval, ...]]:
    if raw is None or raw == [] or raw == "":
        return {}
    if not isinstance(raw, dict):
        raise ValidationError("exceptions", _("expected dates with their intervals ([] for a holiday), "
                                              "e.g. 2026-01-01: []"))
    found: dict[date, tuple[Interval, ...]] = {}
    for key, value in raw.items():
        day = _date(key)
        if day in found:
            raise ValidationError("exceptions", _("{day} is given twice").format(day=day.isoformat()))
        found[day] = parse_intervals(value, f"exceptions.{day.isoformat()}")
    return found


def _date(key: Any) -> date:
    if isinstance(key, date):
        return key
    try:
        return date.fromisoformat(str(key).strip())
    except ValueError:
        raise ValidationError("exceptions", _("'{key}' is not a date (YYYY-MM-DD)").format(key=key)) from None


def check_time_zone(name: Any) -> str:
    try:
        ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError("time_zone", _("unknown time zone '{v}'").format(v=name)) from None
    return str(name)


def canonical_week(week: tuple[tuple[Interval, ...], ...]) -> dict[str, list[str]]:
    """Runs of days with the same hours as ranges (mon-fri), the same hours all week as `daily`."""
    if all(day == week[0] for day in week):
        return {"daily": [format_interval(i) for i in week[0]]}
    found, first = {}, 0
    for day in range(1, 8):
        if day == 7 or week[day] != week[first]:
            if week[first]:
                key = DAYS[first] if day - 1 == first else f"{DAYS[first]}-{DAYS[day - 1]}"
                found[key] = [format_interval(i) for i in week[first]]
            first = day
    return found


def canonical_exceptions(exceptions: dict[date, tuple[Interval, ...]]) -> dict[str, list[str]]:
    return {day.isoformat(): [format_interval(i) for i in exceptions[day]] for day in sorted(exceptions)}


def from_document(code: str, time_zone: str, week: Any, exceptions: Any) -> BusinessCalendar:
    """The calendar a stored or typed document describes; ValidationError names the field at fault."""
    return BusinessCalendar(time_zone=check_time_zone(time_zone), week=parse_week(week),
                            exceptions=parse_exceptions(exceptions), code=code)
