"""Who should go: the proposal for one unassigned work order — a pure function over plain data, so the rule is
tested on its own and the board, the CLI and a batch job all propose the same person.

A technician qualifies when they have the order's skills (each at its minimum level), serve its region, work
on the visit day during the window (their calendar) and have no visit booked that overlaps it. Among those,
the one with the fewest visits that day wins — without maps or routes, the fewest stops is the least travel —
then the lower login, so the proposal is stable."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

Interval = tuple[int, int]  # minutes from local midnight


@dataclass(frozen=True)
class Need:
    """What the order asks for."""

    skills: dict[str, int]
    region: str
    day: date
    window: Interval


@dataclass(frozen=True)
class Candidate:
    """A technician as the proposal sees them on the visit day."""

    login: str
    region: str
    skills: dict[str, int]
    working: tuple[Interval, ...]  # working time that day (their calendar)
    booked: tuple[Interval, ...] = field(default=())  # windows of the visits already given to them that day


def minutes(text: str) -> int:
    """`09:30` → 570."""
    hours, _sep, mins = text.partition(":")
    return int(hours) * 60 + int(mins or 0)


def overlaps(a: Interval, b: Interval) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def qualifies(need: Need, who: Candidate) -> bool:
    skilled = all(who.skills.get(code, 0) >= level for code, level in need.skills.items())
    works = any(overlaps(need.window, span) for span in who.working)
    free = not any(overlaps(need.window, visit) for visit in who.booked)
    return skilled and who.region == need.region and works and free


def propose(need: Need, candidates: Iterable[Candidate]) -> str | None:
    """The login of the technician to send, or None when nobody qualifies."""
    able = [who for who in candidates if qualifies(need, who)]
    if not able:
        return None
    return min(able, key=lambda who: (len(who.booked), who.login)).login
