"""The SLA scan (`crmterm sla scan`, and a timer in supervisors' TUIs): which open inquiries have reached a
warning or a breach since the last scan, marked once and escalated once (services/sla/sla_escalate).

Cheap by construction: services/sla/sla keeps, with the deadlines, each clock's warning moment and
`sla_check_at`, the earliest moment the scan must look at an inquiry. A scan is an indexed range read of
`sla_check_at <= now` in batches (never a table load, never business-time arithmetic); each inquiry it looks
at gets its next moment, or none. A closed inquiry leaves the range the first time it is looked at.

Once only: a `sla_mark` row per inquiry, clock, level and deadline, inserted with ON CONFLICT DO NOTHING. A
second scan at the same `now` finds nothing; two scans at once (two supervisors' TUIs, cron) escalate each
breach once — on PostgreSQL each skips the rows the other holds; a new deadline (a move, a transfer, a new
priority) can warn and breach again, the same deadline never twice. Reaction clocks count only while the
inquiry waits in its queue; a warning is moot once its deadline has passed (the breach is reported instead).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy import select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.sla import scan_ports
from crmterm.services.sla.sla_escalate import Reached, Rule, active_rules, escalate
from crmterm.store import NO_DEADLINE, Inquiry, SlaMark, utcnow
from crmterm.workflow.engine import OPEN, State
from crmterm.workflow.sla import earliest

BATCH = 200
LIMIT = 1000  # inquiries looked at per call; `more` says the caller should call again (a new transaction)
# An escalation may set a deadline that has passed already (a higher priority has less time): it is marked in
# another round of the same look, without escalating that clock's level again.
_ROUNDS = 3

Marks = set[tuple[int, str, str, datetime]]


class ScanReport(BaseModel):
    now: datetime
    checked: int = 0  # inquiries looked at
    warned: int = 0
    breached: int = 0
    escalated: int = 0  # escalation rules applied
    notified: int = 0  # notifications queued
    errors: list[str] = Field(default_factory=list)  # rules that failed (undone; the mark stays)
    more: bool = False  # the limit was reached: scan again

    def add(self, other: ScanReport) -> None:
        for name in ("checked", "warned", "breached", "escalated", "notified"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors += other.errors
        self.more = other.more


def scan(*, session: Session, actor: Actor, now: datetime | None = None, limit: int = LIMIT) -> ScanReport:
    """Mark, log and escalate every warning and breach reached by `now` (default: the current time)."""
    require(actor, Permission.INQUIRIES_SUPERVISE)
    now = now or utcnow()
    report, rules, after = ScanReport(now=now), active_rules(session), None
    while report.checked < limit:
        batch = _due(session, now, after, min(BATCH, limit - report.checked))
        if not batch:
            return report
        marks = _marks(session, [inquiry_id for inquiry_id, _at in batch])
        for inquiry_id, _at in batch:
            report.checked += 1
            _look(session, inquiry_id, rules, marks, now, report)
        after = batch[-1]
    report.more = bool(_due(session, now, after, 1))
    return report


def _due(session: Session, now: datetime, after: tuple | None, limit: int) -> list[tuple[int, datetime]]:
    """(id, sla_check_at) of the next inquiries to look at, from the index, in its order."""
    query = select(col(Inquiry.id), col(Inquiry.sla_check_at)).where(col(Inquiry.sla_check_at) <= now)
    if after is not None:
        query = query.where(tuple_(col(Inquiry.sla_check_at), col(Inquiry.id)) > tuple_(after[1], after[0]))
    query = query.order_by(col(Inquiry.sla_check_at), col(Inquiry.id)).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)  # another scanner has those: it does them
    return [(row[0], row[1]) for row in session.execute(query).all()]


def _marks(session: Session, inquiry_ids: list[int]) -> Marks:
    rows = session.execute(select(col(SlaMark.inquiry_id), col(SlaMark.clock), col(SlaMark.level),
                                       col(SlaMark.deadline))
                           .where(col(SlaMark.inquiry_id).in_(inquiry_ids))).all()
    return {tuple(row) for row in rows}


def _look(session: Session, inquiry_id: int, rules: list[Rule], marks: Marks, now: datetime,
          report: ScanReport) -> None:
    escalated: set[tuple[str, str]] = set()  # a clock's level escalates once per look, whatever it changed
    for round_ in range(_ROUNDS + 1):
        inquiry = scan_ports.load_inquiry(session, inquiry_id)
        if inquiry.state not in OPEN:
            _next_look(session, inquiry_id, None)
            return
        pending = [r for r in reached(inquiry, now) if (inquiry_id, r.clock, r.level, r.deadline) not in marks]
        if not pending or round_ == _ROUNDS:
            break
        for found in pending:
            marks.add((inquiry_id, found.clock, found.level, found.deadline))
            if _mark(session, inquiry_id, found, now) and (found.clock, found.level) not in escalated:
                escalated.add((found.clock, found.level))  # (not marked: another scanner has just done it)
                _count(report, found, escalate(session, inquiry_id, found, rules, now))
    _next_look(session, inquiry_id, now if pending else next_moment(inquiry, now))


def reached(inquiry: Inquiry, now: datetime) -> list[Reached]:
    """The levels the inquiry's clocks have reached at `now` (the reaction clock only while it waits)."""
    found = []
    if inquiry.state == State.WAITING and inquiry.react_due_at is not None:
        found += _level("react", inquiry.react_warn_at, inquiry.react_due_at, now)
    if inquiry.due_at < NO_DEADLINE:
        found += _level("resolve", inquiry.warn_at, inquiry.due_at, now)
    return found


def _level(clock: str, warn_at: datetime | None, due_at: datetime, now: datetime) -> list[Reached]:
    if due_at <= now:
        return [Reached(clock, "breach", due_at)]
    if warn_at is not None and warn_at <= now:
        return [Reached(clock, "warning", due_at)]
    return []


def next_moment(inquiry: Inquiry, now: datetime) -> datetime | None:
    """The next warning or deadline after `now` (reaction ones too: an inquiry returned to its queue waits)."""
    moments = (inquiry.react_warn_at, inquiry.react_due_at, inquiry.warn_at, inquiry.due_at)
    return earliest(*(m for m in moments if m is not None and now < m < NO_DEADLINE))


def _next_look(session: Session, inquiry_id: int, at: datetime | None) -> None:
    """Scheduling, not a change of the inquiry: no new version, so nobody's open form conflicts."""
    session.execute(update(Inquiry).where(col(Inquiry.id) == inquiry_id).values(sla_check_at=at)
                    .execution_options(synchronize_session=False))


def _mark(session: Session, inquiry_id: int, found: Reached, now: datetime) -> bool:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (dialect.insert(SlaMark).values(inquiry_id=inquiry_id, clock=found.clock, level=found.level,
                                                deadline=found.deadline, at=now)
                 .on_conflict_do_nothing(index_elements=["inquiry_id", "clock", "level", "deadline"])
                 .returning(SlaMark.id))
    return session.execute(statement).first() is not None


def _count(report: ScanReport, found: Reached, outcome) -> None:
    if found.level == "breach":
        report.breached += 1
    else:
        report.warned += 1
    report.escalated += outcome.escalated
    report.notified += outcome.notified
    report.errors += outcome.errors or []
