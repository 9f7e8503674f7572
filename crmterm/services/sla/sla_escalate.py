"""What happens when an inquiry's clock reaches a level (services/sla/sla_scan found it): the escalation rules of
that clock and level whose condition holds raise the priority (never lower it), move the inquiry to another
queue, and notify its assignee, its queue's administrators and/or a mailing list — then automation rules
listening to `sla_warning` / `sla_breach` run.

Each rule runs in a savepoint: one that fails (the target queue became inactive, a concurrent change) is
undone and reported, the others still run, and the warning or breach stays marked — a broken rule must not
make every later scan try again and notify again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select as select_rows  # rows read by name (sqlmodel.select types them as bare tuples)
from sqlmodel import Session, col, select

from crmterm.errors import CrmError
from crmterm.services import integrations
from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.routing import automation, routing
from crmterm.services.sla import notifications, scan_ports
from crmterm.store import EscalationRule, Inquiry, MailingList, Priority, Queue, Topic, User
from crmterm.workflow import rules as cel

log = logging.getLogger("crmterm.sla")
# Escalations act as this account (shown in the inquiry's log), whoever's scan noticed the breach.
SCANNER = Actor(login="sla", role=Role.ADMIN, display_name="SLA")


@dataclass(frozen=True)
class Reached:
    """A clock (react | resolve) at a level (warning | breach) for one deadline."""

    clock: str
    level: str
    deadline: datetime

    @property
    def event(self) -> str:
        return f"sla_{self.level}"


@dataclass(frozen=True)
class Rule:
    code: str
    clock: str
    when: str
    condition: str
    priority: str | None
    priority_rank: int | None
    queue: str | None
    queue_id: int | None
    notify_assignee: bool
    notify_queue_admins: bool
    mailing_list: str | None


@dataclass
class Outcome:
    escalated: int = 0
    notified: int = 0
    errors: list[str] | None = None


def active_rules(session: Session) -> list[Rule]:
    """The active rules with the codes they refer to, in the admin's order (configuration-sized)."""
    rows = session.execute(
        select_rows(EscalationRule, col(Priority.code), col(Priority.rank), col(Queue.code), col(MailingList.code))
        .outerjoin(Priority, col(Priority.id) == col(EscalationRule.priority_id))
        .outerjoin(Queue, col(Queue.id) == col(EscalationRule.queue_id))
        .outerjoin(MailingList, col(MailingList.id) == col(EscalationRule.mailing_list_id))
        .where(col(EscalationRule.active).is_(True))
        .order_by(col(EscalationRule.sort_order), col(EscalationRule.code))).all()
    return [Rule(r.code, r.clock, r.when, cel.normalise(r.condition), priority, rank, queue, r.queue_id,
                 r.notify_assignee, r.notify_queue_admins, mailing_list)
            for r, priority, rank, queue, mailing_list in rows]


def escalate(session: Session, inquiry_id: int, reached: Reached, rules: list[Rule], now: datetime) -> Outcome:
    """Log the warning or breach on the inquiry, run the matching rules, then automation."""
    inquiry = scan_ports.load_inquiry(session, inquiry_id, lock=False)
    payload = {"clock": reached.clock, "due": reached.deadline.isoformat()}
    matching = _matching(session, inquiry, reached, rules, now, payload)
    scan_ports.record_event(session, inquiry_id, SCANNER, reached.event,
                       data={**payload, "rules": [rule.code for rule in matching]})
    integrations.inquiry_event(session, f"sla.{reached.level}", inquiry_id, payload)
    before = {"queue_id": inquiry.queue_id, "assignee_id": inquiry.assignee_id}
    errors: list[str] = []
    outcome = Outcome(errors=errors)
    for rule in matching:
        try:
            with session.begin_nested():
                outcome.notified += _apply(session, inquiry_id, rule, reached, before)
            outcome.escalated += 1
        except CrmError as error:
            log.warning("escalation %s on inquiry %s failed: %s", rule.code, inquiry_id, error)
            errors.append(f"#{inquiry_id} {rule.code}: {error}")
    automation.fire(session, SCANNER, inquiry_id, reached.event, payload)
    return outcome


def _matching(session: Session, inquiry: Inquiry, reached: Reached, rules: list[Rule], now: datetime,
              payload: dict) -> list[Rule]:
    context = None
    found = []
    for rule in rules:
        if (rule.clock, rule.when) != (reached.clock, reached.level):
            continue
        if rule.condition not in cel.CONSTANTS and context is None:  # the context costs a few queries
            context = {**routing.context_of(session, inquiry, SCANNER), "now": now,
                       "event": {"name": reached.event, "data": payload}}
        if cel.holds(rule.condition, context or {}):
            found.append(rule)
    return found


def _apply(session: Session, inquiry_id: int, rule: Rule, reached: Reached, before: dict) -> int:
    """The rule's actions; returns how many notifications it queued."""
    inquiry = scan_ports.load_inquiry(session, inquiry_id)
    note = f"SLA: {rule.code}"
    if rule.priority and rule.priority_rank is not None and rule.priority_rank < inquiry.priority_rank:
        scan_ports.set_priority(session=session, actor=SCANNER, inquiry_id=inquiry_id, priority=rule.priority,
                                     text=note)
    moved_to = None
    if rule.queue is not None and rule.queue_id != inquiry.queue_id:
        scan_ports.transfer(session=session, actor=SCANNER, inquiry_id=inquiry_id, queue=rule.queue, text=note)
        moved_to = rule.queue_id
    recipients = _recipients(session, rule, before, moved_to)
    if not recipients:
        return 0
    return len(notifications.notify(
        session=session, event=reached.event, recipients=recipients, inquiry_id=inquiry_id,
        data=_notice(session, inquiry_id, reached, before, rule),
        key=f"sla:{inquiry_id}:{reached.clock}:{reached.level}:{reached.deadline.isoformat()}"))


def _recipients(session: Session, rule: Rule, before: dict, moved_to: int | None) -> list[str]:
    """Active users only (a departed assignee or admin is skipped, not an error), then the mailing list."""
    logins: list[str] = []
    if rule.notify_assignee and before["assignee_id"] is not None:
        logins += session.exec(select(User.login).where(User.id == before["assignee_id"])).all()
    if rule.notify_queue_admins:
        queue_ids = [q for q in (before["queue_id"], moved_to) if q is not None]
        for admins in session.exec(select(Queue.admins).where(col(Queue.id).in_(queue_ids))).all():
            logins += [login for login in admins or [] if login not in logins]
    active = set(session.exec(select(User.login)
                              .where(col(User.login).in_(logins), col(User.active).is_(True))).all()) \
        if logins else set()
    recipients = [f"user:{login}" for login in logins if login in active]
    if rule.mailing_list:
        recipients.append(f"list:{rule.mailing_list}")
    return recipients


def _notice(session: Session, inquiry_id: int, reached: Reached, before: dict, rule: Rule) -> dict:
    """What the sla_warning / sla_breach templates show: labels in every language, each reader picks theirs."""
    topic = session.exec(select(Topic.labels, Topic.code).join(Inquiry, col(Inquiry.topic_id) == Topic.id)
                         .where(Inquiry.id == inquiry_id)).first()
    queue = session.exec(select(Queue.labels, Queue.code).where(Queue.id == before["queue_id"])).first() \
        if before["queue_id"] is not None else None
    assignee = session.exec(select(User.display_name, User.login).where(User.id == before["assignee_id"])).first() \
        if before["assignee_id"] is not None else None
    return {"inquiry_id": inquiry_id, "clock": reached.clock, "due_at": reached.deadline.isoformat(),
            "rule": rule.code, "topic": (topic[0] or {"en": topic[1]}) if topic else None,
            "queue": (queue[0] or {"en": queue[1]}) if queue else None,
            "assignee": (assignee[0] or assignee[1]) if assignee else None}
