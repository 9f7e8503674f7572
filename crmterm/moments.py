"""Dates and times as a user types them (command line, forms): ISO, in the local zone when none is given.

Python's dates end at year 1 and year 9999, and converting a local time to UTC or adding a day to a date next
to either end raises ("year 0 is out of range"). Every typed moment goes through here and is refused outside
FIRST_YEAR..LAST_YEAR, so deadlines, report periods and SLA arithmetic never meet those ends."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.text import one_line

FIRST_YEAR, LAST_YEAR = 1900, 9998


def _out_of_range(field: str | None) -> ValidationError:
    return ValidationError(field, _("dates from {first} to {last} only").format(first=FIRST_YEAR, last=LAST_YEAR))


def check_moment(value: datetime | date | None, field: str | None) -> None:
    """Refuse a date or time outside the years crmterm computes with."""
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise _out_of_range(field)


def typed_moment(text: str, field: str, problem: str | None = None) -> datetime:
    """A date (its local midnight) or an ISO date and time; without a zone, the local one of whoever typed it.
    `problem`: the message for text that is no date at all."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(field, problem or _("expected a date and time like 2026-12-01T18:00")) from None
    check_moment(moment, field)
    return moment if moment.utcoffset() is not None else moment.astimezone()


def as_typed(value: datetime | None) -> str:
    """A stored moment as the user would type it back into a form (what typed_moment reads): ISO date and
    minutes, in the local zone. Forms edit this form; everything only shown goes through i18n.fmt_datetime."""
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else ""


def typed_day(text: str, field: str) -> date:
    """A calendar day YYYY-MM-DD."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(field, _("expected a date YYYY-MM-DD, got '{v}'").format(v=one_line(text))) from None
    check_moment(day, field)
    return day


def days_before(moment: datetime, days: int, field: str) -> datetime:
    """`moment` minus `days`, refused (not overflowing) when that leaves the calendar."""
    try:
        earlier = moment - timedelta(days=days)
    except OverflowError:
        raise _out_of_range(field) from None
    check_moment(earlier, field)
    return earlier
