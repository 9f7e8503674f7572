"""SLA regulations and the deadlines they give an inquiry — pure: services/sla/sla loads rules and calendars.

Two kinds of time limit, both in business time:
- the regulation (Регламент) chosen by topic — the nearest topic a rule lists, else the rule listing none —
  gives per priority a reaction time (from entering a queue until taken) and a resolution time (from
  routing, or reopening, until closed; stopped while a step waits for the customer);
- a route step's own budget, `sla_hours`, from entering the step's queue.
The inquiry's deadline (due_at) is the earlier of the step's and the regulation's resolution deadlines.
Each clock also has a warning moment: when the regulation's `warn_percent` (80 % unless it says otherwise) of
its business time is used — the SLA scan (services/sla/sla_scan) warns then and reports a breach at the deadline.

Calendars: a step's budget and the reaction in it run on the step's calendar (its own, else the
regulation's, else the default); the regulation's resolution time runs on the regulation's calendar (else the
default). Without any calendar configured, time is wall-clock (24×7 UTC).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.workflow.calendar import (
    HORIZON_DAYS,
    BusinessCalendar,
    NoWorkingTime,
    add_business_time,
    business_minutes_between,
    twenty_four_seven,
)
from crmterm.workflow.routes import StepDef

ANY_PRIORITY = "*"
DEFAULT_WARN_PERCENT = 80
_WALL_CLOCK = twenty_four_seven("UTC", code="24x7")


@dataclass(frozen=True)
class Times:
    react: float | None = None  # business hours
    resolve: float | None = None


@dataclass(frozen=True)
class Regulation:
    code: str
    topics: tuple[str, ...] = ()  # none: every topic no other regulation lists
    calendar: str | None = None
    times: Mapping[str, Times] = field(default_factory=dict)  # by priority code, ANY_PRIORITY for the rest
    warn_percent: int = DEFAULT_WARN_PERCENT  # 0: no warnings

    def times_for(self, priority: str | None) -> Times:
        """The priority's own hours; what it leaves out comes from ANY_PRIORITY."""
        own, rest = self.times.get(priority or ANY_PRIORITY) or Times(), self.times.get(ANY_PRIORITY) or Times()
        return Times(react=own.react if own.react is not None else rest.react,
                     resolve=own.resolve if own.resolve is not None else rest.resolve)


@dataclass(frozen=True)
class Clock:
    """An inquiry's SLA facts (columns of the inquiry)."""

    queued_at: datetime | None = None  # entered its current queue: reaction and step clocks
    started_at: datetime | None = None  # the regulation's resolution clock
    paused_at: datetime | None = None  # waiting for the customer since
    paused_minutes: float = 0.0  # business minutes of finished pauses


@dataclass(frozen=True)
class Deadlines:
    react_due_at: datetime | None
    due_at: datetime | None  # None: no deadline
    react_warn_at: datetime | None = None  # when each is near (None: no warning)
    warn_at: datetime | None = None


class Book:
    """The regulations and calendars of one database."""

    def __init__(self, regulations: Sequence[Regulation], calendars: Mapping[str, BusinessCalendar],
                 default_calendar: str | None = None) -> None:
        self.calendars, self.default_calendar = calendars, default_calendar
        self._serving = {topic: rule for rule in regulations for topic in rule.topics}
        self._fallback = next((rule for rule in regulations if not rule.topics), None)

    def regulation(self, path: Sequence[str]) -> Regulation | None:
        """For a topic path (root → topic): the rule listing the nearest topic, else the catch-all rule."""
        return next((self._serving[code] for code in reversed(path) if code in self._serving), self._fallback)

    def calendar(self, code: str | None) -> BusinessCalendar:
        """A named calendar, else the default one, else wall-clock time."""
        for candidate in (code, self.default_calendar):
            if candidate and candidate in self.calendars:
                return self.calendars[candidate]
        return _WALL_CLOCK

    def calendars_for(self, path: Sequence[str], step: StepDef | None) -> tuple[BusinessCalendar, BusinessCalendar]:
        """(the regulation's calendar, the step's calendar)."""
        rule = self.regulation(path)
        own = rule.calendar if rule else None
        return self.calendar(own), self.calendar(step.calendar if step and step.calendar else own)

    def deadlines(self, clock: Clock, path: Sequence[str], priority: str | None, step: StepDef | None) -> Deadlines:
        rule = self.regulation(path)
        times = rule.times_for(priority) if rule else Times()
        rule_calendar, step_calendar = self.calendars_for(path, step)
        share = (rule.warn_percent if rule else DEFAULT_WARN_PERCENT) / 100
        budget = step.sla_hours if step else None
        running = clock.paused_at is None
        react = _after(clock.queued_at, times.react, step_calendar) if running else None
        resolve = _after(clock.started_at, times.resolve, rule_calendar, clock.paused_minutes) if running else None
        own = _after(clock.queued_at, budget, step_calendar)
        if not share:
            return Deadlines(react, earliest(own, resolve))
        react_warn = _after(clock.queued_at, times.react, step_calendar, share=share) if running else None
        resolve_warn = _after(clock.started_at, times.resolve, rule_calendar, clock.paused_minutes,
                              share) if running else None
        own_warn = _after(clock.queued_at, budget, step_calendar, share=share)
        return Deadlines(react, earliest(own, resolve), react_warn, earliest(own_warn, resolve_warn))

    def warn_percent(self, path: Sequence[str]) -> int:
        rule = self.regulation(path)
        return rule.warn_percent if rule else DEFAULT_WARN_PERCENT


def _after(start: datetime | None, hours: float | None, calendar: BusinessCalendar, extra: float = 0.0,
           share: float = 1.0):
    """`share` of `hours` of business time (plus `extra` minutes of pauses) after `start`."""
    if start is None or not hours:
        return None
    return add_business_time(start, hours * 60 * share + extra, calendar)


def earliest(*moments: datetime | None) -> datetime | None:
    return min((m for m in moments if m is not None), default=None)


def warning_before(start: datetime, due: datetime, percent: int, calendar: BusinessCalendar) -> datetime | None:
    """A deadline set by hand warns once `percent` of the business time from `start` to it is used (none for
    one beyond the calendar's horizon: years away, a warning means nothing)."""
    if not percent or due <= start or due - start > timedelta(days=HORIZON_DAYS):
        return None
    try:
        return add_business_time(start, business_minutes_between(start, due, calendar) * percent / 100, calendar)
    except NoWorkingTime:
        return None


# --- how the clocks move -----------------------------------------------------------------------------------

def restart(now: datetime, step: StepDef | None) -> Clock:
    """Routing or reopening: every clock starts now (stopped at once in a step that waits for the customer)."""
    return Clock(queued_at=now, started_at=now, paused_at=now if step and step.pauses_sla else None)


def enter_step(clock: Clock, now: datetime, step: StepDef, rule_calendar: BusinessCalendar) -> Clock:
    """Into a new step's queue: a waiting step stops the regulation's clock, leaving one resumes it with the
    business time it had left (the pause is added to the time allowed)."""
    paused_at, minutes = clock.paused_at, clock.paused_minutes
    if paused_at is not None and not step.pauses_sla:
        minutes += max(business_minutes_between(paused_at, now, rule_calendar), 0.0)
        paused_at = None
    elif paused_at is None and step.pauses_sla:
        paused_at = now
    return Clock(queued_at=now, started_at=clock.started_at or now, paused_at=paused_at, paused_minutes=minutes)


def requeue(clock: Clock, now: datetime) -> Clock:
    """Into another queue of the same step (a transfer): its reaction and step clocks start again."""
    return replace(clock, queued_at=now, started_at=clock.started_at or now)


def remaining_minutes(clock: Clock, times: Times, rule_calendar: BusinessCalendar, now: datetime) -> float | None:
    """Business minutes the regulation's resolution clock has left at `now` (or had when it was paused)."""
    if clock.started_at is None or not times.resolve:
        return None
    until = clock.paused_at or now
    used = business_minutes_between(clock.started_at, until, rule_calendar) - clock.paused_minutes
    return times.resolve * 60 - used


# --- a regulation's times as an admin writes them -----------------------------------------------------------

def parse_times(raw: Any) -> dict[str, dict[str, float]]:
    """`{priority: {react: hours, resolve: hours}}` checked and in canonical form ("*": any other priority)."""
    if not isinstance(raw, dict) or not raw:
        raise ValidationError("times", _("give hours per priority, e.g. high: {react: 1, resolve: 8} "
                                         "(* for any other priority)"))
    return {str(priority): _hours(str(priority), value) for priority, value in raw.items()}


def _hours(priority: str, value: Any) -> dict[str, float]:
    field = f"times.{priority}"
    if not isinstance(value, dict) or not value:
        raise ValidationError(field, _("expected react and/or resolve hours, e.g. {react: 1, resolve: 8}"))
    unknown = sorted(set(map(str, value)) - {"react", "resolve"})
    if unknown:
        raise ValidationError(field, _("unknown field '{f}': use react and resolve").format(f=unknown[0]))
    hours = {}
    for name in ("react", "resolve"):
        number = value.get(name)
        if number is None:
            continue
        if isinstance(number, bool) or not isinstance(number, int | float) or number <= 0:
            raise ValidationError(field, _("{name}: expected a positive number of hours").format(name=name))
        hours[name] = int(number) if float(number).is_integer() else float(number)
    return hours


def regulation_from(code: str, topics: Sequence[str], calendar: str | None, times: Mapping,
                    warn_percent: int = DEFAULT_WARN_PERCENT) -> Regulation:
    return Regulation(code=code, topics=tuple(topics), calendar=calendar, warn_percent=warn_percent, times={
        priority: Times(react=hours.get("react"), resolve=hours.get("resolve")) for priority, hours in times.items()})
