"""A service contract's targets in place of the topic's SLA regulation — pure: services/service finds the
covering contract, services/sla/sla asks for it when it computes an inquiry's deadlines.

A contract's response target replaces the regulation's reaction time, its resolution target the resolution
time, for every priority; a target the contract leaves out keeps the regulation's. The contract's business
calendar runs both clocks (a step's own calendar too: what was agreed with the customer wins); a contract
without a calendar runs around the clock. A route step's own budget (`sla_hours`) still applies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from crmterm.workflow.calendar import BusinessCalendar, twenty_four_seven
from crmterm.workflow.routes import StepDef
from crmterm.workflow.sla import ANY_PRIORITY, Book, Regulation, Times

_AROUND_THE_CLOCK = twenty_four_seven("UTC", code="24x7")


@dataclass(frozen=True)
class Targets:
    """What a covering contract agreed: its code, its calendar's code (None: 24×7) and hours."""

    contract: str
    calendar: str | None = None
    react_hours: float | None = None
    resolve_hours: float | None = None


class CoveredBook(Book):
    """The book of one inquiry whose customer a contract covers: every topic path is served by the contract."""

    def __init__(self, base: Book, path: Sequence[str], targets: Targets) -> None:
        super().__init__([], base.calendars, base.default_calendar)
        self.targets = targets
        self._rule = _contract_rule(base.regulation(path), targets)

    def regulation(self, path: Sequence[str]) -> Regulation | None:
        return self._rule

    def calendar(self, code: str | None) -> BusinessCalendar:
        if code is None or code not in self.calendars:
            return _AROUND_THE_CLOCK
        return self.calendars[code]

    def calendars_for(self, path: Sequence[str], step: StepDef | None) -> tuple[BusinessCalendar, BusinessCalendar]:
        own = self.calendar(self.targets.calendar)
        return own, own


def covered(base: Book, path: Sequence[str], targets: Targets | None) -> Book:
    """`base` unchanged without a covering contract, else a book whose regulation is the contract's."""
    if targets is None:
        return base
    return CoveredBook(base, path, targets)


def _contract_rule(topic_rule: Regulation | None, targets: Targets) -> Regulation:
    times = dict(topic_rule.times) if topic_rule else {}
    times.setdefault(ANY_PRIORITY, Times())
    merged = {priority: replace(hours, react=targets.react_hours if targets.react_hours is not None else hours.react,
                                resolve=targets.resolve_hours if targets.resolve_hours is not None
                                else hours.resolve) for priority, hours in times.items()}
    warn = topic_rule.warn_percent if topic_rule else Regulation("").warn_percent
    return Regulation(code=f"contract:{targets.contract}", calendar=targets.calendar, times=merged, warn_percent=warn)
