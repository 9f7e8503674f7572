"""SLA deadlines of stored inquiries: the regulations and calendars read from the database (each calendar
parsed once per edit), and the SLA columns an inquiry gets at each life-cycle event — returned as changes
the caller writes with the rest of its change, under the same version check (services/inquiries/inquiry_actions).

Events: routing (every clock starts), moving into another step (its queue's clocks start; a step that waits
for the customer stops the regulation's clock, leaving it resumes it), transfer (a new queue: reaction and
step clocks start again), reopen (every clock starts again), priority change (same clocks, new times).
A supervisor's deadline (set_deadline) holds until the inquiry moves to another step or is reopened:
priority changes and transfers recompute the reaction deadline but leave that deadline alone.

With the deadlines go their warning moments and `sla_check_at`, the earliest of the four moments: the SLA
scan (services/sla/sla_scan) reads that one indexed column, so it never does business-time arithmetic itself.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select as select_rows  # rows read by name (sqlmodel.select types them as bare tuples)
from sqlmodel import Session, col, select

from crmterm.errors import NotFound
from crmterm.i18n import _
from crmterm.services.routing import coverage_port
from crmterm.services.topics.attribute_forms import topic_path
from crmterm.store import NO_DEADLINE, Calendar, Inquiry, InquiryEvent, Priority, SlaRule, Topic, config_cache
from crmterm.store.tables import saved_id
from crmterm.workflow import coverage, sla
from crmterm.workflow.calendar import BusinessCalendar
from crmterm.workflow.calendar_spec import from_document
from crmterm.workflow.routes import StepDef

_PARSED: dict[tuple, BusinessCalendar] = {}  # (id, version, updated_at) -> calendar: parsed once per edit
_STEP_EVENTS = ("routed", "moved", "reopened", "deadline_changed")


def book(session: Session) -> sla.Book:
    """Every calendar (a deactivated one still serves what names it) and the active regulations; read once
    per configuration state (store/config_cache): the book is shared, callers must not change it."""
    return config_cache.cached(session, ("sla_book",), lambda: _load_book(session))


def _load_book(session: Session) -> sla.Book:
    calendars, default = {}, None
    for key in session.execute(select_rows(col(Calendar.id), col(Calendar.version), col(Calendar.updated_at),
                                           col(Calendar.code), col(Calendar.is_default), col(Calendar.active))).all():
        calendars[key.code] = _calendar(session, tuple(key[:4]))
        if key.is_default and key.active and default is None:
            default = key.code
    found = session.exec(select(SlaRule, Calendar.code).outerjoin(Calendar, col(Calendar.id) == SlaRule.calendar_id)
                         .where(col(SlaRule.active).is_(True)).order_by(col(SlaRule.sort_order), SlaRule.code)).all()
    rules = [sla.regulation_from(rule.code, rule.topics, code, rule.times, rule.warn_percent) for rule, code in found]
    return sla.Book(rules, calendars, default)


def book_for(session: Session, inquiry: Inquiry, path: list[str]) -> sla.Book:
    """The regulations — or, for a customer a service contract covers, the contract's targets in place of the
    topic's regulation (workflow/coverage; the contract is found through routing/coverage_port)."""
    return coverage.covered(book(session), path, coverage_port.contract_targets(session, inquiry.party_id, path))


def _calendar(session: Session, key: tuple) -> BusinessCalendar:
    if key not in _PARSED:
        row = session.get(Calendar, key[0])
        if row is None:  # deleted since book() listed it
            raise NotFound(_("calendar"), key[0])
        _PARSED[key] = from_document(row.code, row.time_zone, row.week, row.exceptions)
    return _PARSED[key]


def clock_of(inquiry: Inquiry) -> sla.Clock:
    return sla.Clock(queued_at=inquiry.queued_at, started_at=inquiry.sla_started_at,
                     paused_at=inquiry.sla_paused_at, paused_minutes=inquiry.sla_paused_minutes or 0.0)


# --- the columns each event writes ----------------------------------------------------------------------------

def on_route(session: Session, inquiry: Inquiry, step: StepDef, path: list[str], now: datetime) -> dict:
    return _changes(session, inquiry, sla.restart(now, step), step, path, inquiry.priority_id)


def on_step(session: Session, inquiry: Inquiry, step: StepDef, *, priority_id: int | None, now: datetime,
            path: list[str] | None = None) -> dict:
    path = path or topic_codes(session, inquiry.topic_id)
    rules = book_for(session, inquiry, path)
    clock = sla.enter_step(clock_of(inquiry), now, step, rules.calendars_for(path, step)[0])
    return _changes(session, inquiry, clock, step, path, priority_id, rules=rules)


def on_reopen(session: Session, inquiry: Inquiry, step: StepDef | None, *, now: datetime,
              path: list[str] | None = None) -> dict:
    return _changes(session, inquiry, sla.restart(now, step), step, path, inquiry.priority_id)


def on_transfer(session: Session, inquiry: Inquiry, step: StepDef | None, *, now: datetime) -> dict:
    return _changes(session, inquiry, sla.requeue(clock_of(inquiry), now), step, None, inquiry.priority_id,
                    keep_due=manual_deadline(session, saved_id(inquiry)))


def on_priority(session: Session, inquiry: Inquiry, step: StepDef | None, *, priority_id: int) -> dict:
    return _changes(session, inquiry, clock_of(inquiry), step, None, priority_id,
                    keep_due=manual_deadline(session, saved_id(inquiry)))


def _changes(session: Session, inquiry: Inquiry, clock: sla.Clock, step: StepDef | None, path: list[str] | None,
             priority_id: int | None, *, keep_due: bool = False, rules: sla.Book | None = None) -> dict:
    path = path or topic_codes(session, inquiry.topic_id)
    rules = rules or book_for(session, inquiry, path)
    found = rules.deadlines(clock, path, priority_code(session, priority_id), step)
    changes = {"queued_at": clock.queued_at, "sla_started_at": clock.started_at, "sla_paused_at": clock.paused_at,
               "sla_paused_minutes": clock.paused_minutes, "react_due_at": found.react_due_at,
               "react_warn_at": found.react_warn_at}
    warn_at, due_at = inquiry.warn_at, inquiry.due_at  # a kept deadline: the inquiry's own
    if not keep_due:
        warn_at, due_at = found.warn_at, found.due_at or NO_DEADLINE
        changes |= {"due_at": due_at, "warn_at": warn_at}
    changes["sla_check_at"] = check_at(found.react_warn_at, found.react_due_at, warn_at, due_at)
    return changes


def on_deadline(session: Session, inquiry: Inquiry, due_at: datetime, *, now: datetime) -> dict:
    """A supervisor's deadline: it warns at the regulation's share of the business time from now to it."""
    path = topic_codes(session, inquiry.topic_id)
    rules = book_for(session, inquiry, path)
    warn = sla.warning_before(now, due_at, rules.warn_percent(path), rules.calendars_for(path, None)[0])
    return {"due_at": due_at, "warn_at": warn,
            "sla_check_at": check_at(inquiry.react_warn_at, inquiry.react_due_at, warn, due_at)}


def check_at(*moments: datetime | None) -> datetime | None:
    """When the SLA scan must next look: the earliest moment (a passed one it has marked is skipped then)."""
    return sla.earliest(*(m for m in moments if m is not None and m < NO_DEADLINE))


# --- lookups ----------------------------------------------------------------------------------------------------

def manual_deadline(session: Session, inquiry_id: int) -> bool:
    """Whether a supervisor set the deadline since the inquiry last entered a step."""
    last = session.exec(select(InquiryEvent.kind).where(InquiryEvent.inquiry_id == inquiry_id,
                                                        col(InquiryEvent.kind).in_(_STEP_EVENTS))
                        .order_by(col(InquiryEvent.id).desc()).limit(1)).first()
    return last == "deadline_changed"


def topic_codes(session: Session, topic_id: int) -> list[str]:
    code = session.exec(select(Topic.code).where(Topic.id == topic_id)).one()
    return [row.code for row in topic_path(session, code)]


def priority_code(session: Session, priority_id: int | None) -> str | None:
    if priority_id is None:
        return None
    return config_cache.cached(session, ("priority_code", priority_id), lambda: session.exec(
        select(Priority.code).where(Priority.id == priority_id)).first())
