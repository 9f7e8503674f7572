"""Inquiry statistics by operator ("Статистика обращений по операторам"): what each operator did in the
period, read from the inquiries' event log (kinds in services/inquiries/inquiry_log.EVENT_LABELS) by the event's time
and actor, and from the contacts they registered (contact.at).

- contacts: contacts registered by the operator in the period;
- registered / taken / closed: inquiries with a 'created' / 'taken' / 'closed' event by the operator in the
  period (each inquiry once per operator and kind, however often it was taken or closed);
- handling time: for each 'closed' event by the operator in the period, hours since the inquiry's latest
  'taken' event before it (by anyone); averaged over the closes that had one (closing an answered
  consultation at registration has none);
- closed late: inquiries the operator closed in the period after their deadline (closed event > due_at);
- overdue: inquiries open now and assigned to the operator whose deadline passed in the period.
The filters narrow the inquiries the events belong to. Inquiries without a deadline (NO_DEADLINE) are never
late. Actors without a user row (the CLI's 'system' account, batch jobs) get a row under their login.

Why by event time rather than by the inquiries' creation: an operator's month is the work done in it,
including closing last month's inquiries; and each figure is then a range scan of one index.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from crmterm.i18n import N_, _, fmt_datetime
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.reports.report_table import Column, ColumnKind, ReportTable, Total
from crmterm.services.reports.reports_drill import WORK_KINDS, drill_key
from crmterm.services.reports.reports_scope import (
    Phases,
    Progress,
    ReportParams,
    contact_conditions,
    described,
    inquiry_conditions,
    resolve,
)
from crmterm.services.reports.reports_sql import average, hours_between
from crmterm.store import NO_DEADLINE, Contact, Inquiry, InquiryEvent, User, utcnow
from crmterm.workflow.engine import OPEN

TITLE = N_("Inquiries by operator")


def _events(scope, *columns, kinds: tuple[str, ...]):
    """SELECT columns FROM the period's events of these kinds. Filters look up each event's inquiry by its key
    (EXISTS) rather than join: both planners then read one index range of events and probe, where a join
    tempted PostgreSQL into hashing the whole inquiry table."""
    query = select(*columns).select_from(InquiryEvent).where(
        col(InquiryEvent.kind).in_(kinds), InquiryEvent.at >= scope.start, InquiryEvent.at < scope.end)
    filters = inquiry_conditions(scope, period=False)
    return query.where(exists().where(col(Inquiry.id) == InquiryEvent.inquiry_id, *filters)) if filters else query


def _distinct(condition, inquiry_id) -> object:
    return func.count(func.distinct(case((condition, inquiry_id))))


def _events_query(scope):
    """One pass over the period's events: per event its kind and, for a close, the hours since the latest
    take before it and the inquiry's deadline (CASE: looked up for closes only); then per actor. The
    per-event values are computed once in a fenced subquery (OFFSET 0), not once per aggregate using them."""
    taken = aliased(InquiryEvent)
    last_taken = (select(func.max(taken.at)).where(taken.inquiry_id == InquiryEvent.inquiry_id,
                                                  taken.kind == "taken", taken.at <= InquiryEvent.at)
                  .scalar_subquery())
    due = select(Inquiry.due_at).where(Inquiry.id == InquiryEvent.inquiry_id).scalar_subquery()
    closed = InquiryEvent.kind == "closed"
    events = _events(scope, InquiryEvent.actor.label("login"), InquiryEvent.kind, InquiryEvent.inquiry_id,
                     InquiryEvent.at, case((closed, hours_between(last_taken, InquiryEvent.at))).label("hours"),
                     case((closed, due)).label("due"), kinds=WORK_KINDS).offset(0).subquery()
    late = (events.c.due != NO_DEADLINE) & (events.c.at > events.c.due)
    return (select(events.c.login, *(_distinct(events.c.kind == kind, events.c.inquiry_id).label(kind)
                                     for kind in WORK_KINDS),
                   func.sum(events.c.hours).label("handling_hours"), func.count(events.c.hours).label("handled"),
                   _distinct(late, events.c.inquiry_id).label("closed_late")).group_by(events.c.login))


def _overdue_query(scope, now: datetime):
    return (select(col(Inquiry.assignee_id).label("user_id"), func.count().label("overdue"))
            .where(*inquiry_conditions(scope, period=False), col(Inquiry.state).in_(sorted(OPEN)),
                   Inquiry.due_at >= scope.start, Inquiry.due_at < min(now, scope.end),
                   col(Inquiry.assignee_id).is_not(None))
            .group_by(col(Inquiry.assignee_id)))


def _contacts_query(scope):
    conditions = [Contact.at >= scope.start, Contact.at < scope.end, Contact.operator_id.is_not(None),
                  *contact_conditions(scope)]
    if scope.topic_ids is not None or "queue" in scope.ids:  # inquiry-level filters: a matching inquiry
        conditions.append(exists().where(and_(Inquiry.contact_id == Contact.id,
                                              *inquiry_conditions(scope, period=False))))
    return (select(Contact.operator_id.label("user_id"), func.count().label("contacts")).where(*conditions)
            .group_by(Contact.operator_id))


def columns() -> list[Column]:
    return [Column("operator", _("Operator"), ColumnKind.TEXT, Total.LABEL), Column("login", _("Login")),
            Column("contacts", _("Contacts"), ColumnKind.INT, Total.SUM),
            Column("registered", _("Registered"), ColumnKind.INT, Total.SUM),
            Column("taken", _("Taken"), ColumnKind.INT, Total.SUM),
            Column("closed", _("Closed"), ColumnKind.INT, Total.SUM),
            Column("handling_hours", _("Average handling time, h"), ColumnKind.HOURS,
                   heading=_("Average handling time")),
            Column("closed_late", _("Closed late"), ColumnKind.INT, Total.SUM),
            Column("overdue", _("Overdue, open"), ColumnKind.INT, Total.SUM)]


def operators_report(*, session: Session, actor: Actor, params: ReportParams, now: datetime | None = None,
                     progress: Progress | None = None) -> ReportTable:
    require(actor, Permission.REPORTS_READ)
    shown, now = resolve(session, params), now or utcnow()
    scope = shown.without("operator")  # the operator filter picks a row; it does not narrow the inquiries
    phases = Phases(progress, 3)
    phases.step(_("Counting contacts"))
    contacts = dict(session.execute(_contacts_query(scope)).all())
    phases.step(_("Counting registered, taken and closed inquiries"))
    events = {r.login: r for r in session.execute(_events_query(scope)).all()}
    phases.step(_("Counting overdue inquiries"))
    overdue = dict(session.execute(_overdue_query(scope, now)).all())
    phases.finish()
    users = {u.id: u for u in session.execute(select(col(User.id), col(User.login), col(User.display_name))).all()}
    logins = {u.login: u for u in users.values()}
    people = {users[i].login for i in (*contacts, *overdue) if i in users} | set(events)
    if "operator" in shown.ids:
        people &= {users[shown.ids["operator"]].login}
    table = ReportTable(name="operators", title=_(TITLE), columns=columns(), rows=[],
                        params=described(shown) | {_("As of"): fmt_datetime(now)})
    for login in sorted(people, key=lambda name: (_name(logins.get(name), name).casefold(), name)):
        user_id = logins[login].id if login in logins else None
        table.rows.append([_name(logins.get(login), login), login, contacts.get(user_id, 0),
                           *_figures(events.get(login)), overdue.get(user_id, 0)])
        table.drill.append(drill_key("operators", scope, worked_by=login, now=now))
    table.totals = _totals(table.rows, [events[p] for p in people if p in events])
    return table


def _figures(events) -> list:
    if events is None:
        return [0, 0, 0, None, 0]
    return [events.created, events.taken, events.closed, average(events.handling_hours, events.handled),
            events.closed_late]


def _totals(rows: list[list], closes: list) -> list:
    handled = sum(c.handled for c in closes)
    handling = average(sum(c.handling_hours or 0.0 for c in closes), handled)
    sums = [sum(row[i] for row in rows) for i in range(2, 6)]
    return [None, None, *sums, handling, sum(row[7] for row in rows), sum(row[8] for row in rows)]


def _name(user, login: str) -> str:
    return (user.display_name or user.login) if user is not None else login
