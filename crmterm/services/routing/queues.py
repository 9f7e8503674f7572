"""Queue work: my queues with counts, take-next without collisions, and inquiry lists by keyset pages.

A page never counts or loads a whole queue: it reads `limit` rows from an index in the chosen order,
starting after the last row the screen holds (its sort key is the cursor). "Open" lists read each open
state's index separately and merge, so even the mixed list stays an index walk.
"""

from __future__ import annotations

import heapq
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import false, func, or_, tuple_, update
from sqlalchemy import select as select_rows  # rows read by name (sqlmodel.select types them as bare tuples)
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col, select

from crmterm.errors import PermissionDenied, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.accounts.queue_access import can_work, person, queue_by_code, queues_of
from crmterm.services.routing import automation, filter_sql, live, routing, routing_ports, skill_match, take_pg
from crmterm.services.routing.inquiry_filter import InquiryFilter, check_periods
from crmterm.store import NO_DEADLINE, Inquiry, Party, Priority, Queue, Topic, User, utcnow
from crmterm.store.tables import saved_id
from crmterm.workflow.engine import ASSIGNED, OPEN, State

PAGE = 50
SORTS: dict[str, tuple[Mapped[Any], ...]] = {  # name -> columns of the keyset (each served by an index on …)
    "work": (col(Inquiry.priority_rank), col(Inquiry.due_at), col(Inquiry.id)),
    "due": (col(Inquiry.due_at), col(Inquiry.id)),
    "age": (col(Inquiry.id),),
}
STATE_FILTERS = ("waiting", "taken", "in_progress", "open", "assigned", "registered", "closed", "cancelled")


class QueueCounts(BaseModel):
    code: str
    labels: dict[str, str]
    waiting: int = 0
    taken: int = 0
    overdue: int = 0
    can_take: int | None = None  # logged-in members with its skills (agent_skills.staffing; supervisors' view)


class InquiryRow(BaseModel):
    id: int
    created_at: datetime
    topic: str
    topic_labels: dict[str, str]
    customer: str | None
    priority: str | None
    priority_rank: int
    state: str
    step: str | None
    step_label: str | None = None  # in the user's language
    queue: str | None
    assignee: str | None
    due_at: datetime | None  # None: no deadline
    overdue: bool
    version: int
    revision_id: int | None = None
    warn_at: datetime | None = None  # the deadline is near from then on (services/sla/sla_status badges)


class Page(BaseModel):
    rows: list[InquiryRow]
    cursor: list | None  # pass back as `after` for the next page; None: this was the last page


def my_queues(*, session: Session, actor: Actor) -> list[QueueCounts]:
    """Counts by two grouped index scans over the actor's queues."""
    require(actor, Permission.INQUIRIES_READ)
    queues = queues_of(session, actor)
    ids = [q.id for q in queues]
    counts = {q.id: QueueCounts(code=q.code, labels=q.labels) for q in queues}
    if not ids:
        return []
    for queue_id, state, n in session.exec(
            select(Inquiry.queue_id, Inquiry.state, func.count()).where(
                col(Inquiry.queue_id).in_(ids), col(Inquiry.state).in_([State.WAITING, *ASSIGNED]))
            .group_by(col(Inquiry.queue_id), Inquiry.state)):
        if state == State.WAITING:
            counts[queue_id].waiting += n
        else:
            counts[queue_id].taken += n
    for queue_id, n in session.exec(select(Inquiry.queue_id, func.count()).where(
            col(Inquiry.queue_id).in_(ids), col(Inquiry.state).in_([State.WAITING, *ASSIGNED]),
            Inquiry.due_at < utcnow()).group_by(col(Inquiry.queue_id))):
        counts[queue_id].overdue = n
    return [counts[i] for i in ids]


def take_next(*, session: Session, actor: Actor, queue: str) -> int | None:
    """The next waiting inquiry the actor is skilled for (best skill match, then priority, deadline, age:
    skill_match) taken atomically; None if none waits.
    PostgreSQL does it in one statement that skips rows other workers hold (take_pg: FOR UPDATE SKIP
    LOCKED); SQLite runs writers one at a time and the UPDATE re-checks that nobody took the row."""
    require(actor, Permission.INQUIRIES_WRITE)
    person(actor)
    if session.get_bind().dialect.name == "postgresql":
        fast = take_pg.take(session, actor, queue)
        if fast.known:  # else the general path below says NotFound or PermissionDenied
            if fast.inquiry_id is not None and fast.automated:
                automation.fire(session, actor, fast.inquiry_id, "taken", {"next": True})
            return fast.inquiry_id
    if session.get_bind().dialect.name == "sqlite":
        # Write before reading: a SQLite transaction that has read cannot start writing once another writer
        # has committed ("database is locked" at once, busy_timeout does not wait); one that writes first waits.
        session.execute(update(Inquiry).where(false()).values(version=Inquiry.version))
    target = queue_by_code(session, queue)
    if not can_work(session, actor, target):
        raise PermissionDenied(_("{who} is not a member of queue '{q}'").format(who=actor.login, q=queue))
    if not skill_match.meets_queue(session, actor.id, target):
        needs = ", ".join(f"{code} ≥ {level}" for code, level in target.skills.items())
        raise PermissionDenied(_("{who} lacks the skills queue '{q}' requires ({needs})").format(
            who=actor.login, q=queue, needs=needs))
    candidate = skill_match.candidate(saved_id(target), actor.id, lock=session.get_bind().dialect.name == "postgresql")
    taken = session.execute(
        update(Inquiry).where(col(Inquiry.id) == candidate, col(Inquiry.state) == State.WAITING,
                              col(Inquiry.assignee_id).is_(None))
        .values(state=State.TAKEN, assignee_id=actor.id, version=Inquiry.version + 1, updated_at=utcnow(),
                updated_by=actor.login)
        .returning(col(Inquiry.id)).execution_options(synchronize_session=False)).first()
    if taken is None:
        return None
    routing_ports.record_event(session, taken[0], actor, "taken", data={"next": True})
    automation.fire(session, actor, taken[0], "taken", {"next": True})
    live.announce(session, target.id)
    return taken[0]


_ROW = (select_rows(col(Inquiry.id), col(Inquiry.created_at), col(Topic.code), col(Topic.labels),
                    col(Party.display_name), col(Priority.code), col(Inquiry.priority_rank), col(Inquiry.state),
                    col(Inquiry.step), col(Queue.code), col(User.login), col(Inquiry.due_at), col(Inquiry.version),
                    col(Inquiry.route_revision_id), col(Inquiry.warn_at))
        .join(Topic, col(Topic.id) == col(Inquiry.topic_id)).outerjoin(Party, col(Party.id) == col(Inquiry.party_id))
        .outerjoin(Priority, col(Priority.id) == col(Inquiry.priority_id))
        .outerjoin(Queue, col(Queue.id) == col(Inquiry.queue_id))
        .outerjoin(User, col(User.id) == col(Inquiry.assignee_id)))


def page(*, session: Session, actor: Actor, where: InquiryFilter, sort: str = "work", descending: bool = False,
         after: list | None = None, limit: int = PAGE) -> Page:
    require(actor, Permission.INQUIRIES_READ)
    if sort not in SORTS:
        raise ValidationError("sort", _("one of: {choices}").format(choices=", ".join(SORTS)))
    if where.state not in STATE_FILTERS:
        raise ValidationError("state", _("one of: {choices}").format(choices=", ".join(STATE_FILTERS)))
    conditions = _conditions(session, actor, where) + _visible(session, actor, where)
    states = {"open": sorted(OPEN), "assigned": sorted(ASSIGNED)}.get(where.state, [where.state])
    now = utcnow()
    parts = [_state_page(session, conditions + [Inquiry.state == s], sort, descending, after, limit + 1, now)
             for s in states]
    rows = list(heapq.merge(*parts, key=lambda r: _key(r, sort), reverse=descending))[:limit + 1]
    more = len(rows) > limit
    rows = rows[:limit]
    _label_steps(session, rows)
    return Page(rows=rows, cursor=_cursor(rows[-1], sort) if more and rows else None)


def _label_steps(session: Session, rows: list[InquiryRow]) -> None:
    """One lookup per distinct route revision on the page (route definitions are cached by content)."""
    revisions = {}
    for row in rows:
        if row.revision_id is not None and row.step:
            if row.revision_id not in revisions:
                revisions[row.revision_id] = routing.revision(session, row.revision_id).definition
            step = revisions[row.revision_id].step(row.step)
            row.step_label = step.label() if step else row.step


def _visible(session: Session, actor: Actor, where: InquiryFilter) -> list:
    """Agents list only their queues (and what they hold); supervisors and report readers list every queue."""
    if actor.can(Permission.INQUIRIES_SUPERVISE) or actor.can(Permission.REPORTS_READ):
        return []
    if where.queue:
        if not can_work(session, actor, queue_by_code(session, where.queue)):
            raise PermissionDenied(_("{who} is not a member of queue '{q}'").format(who=actor.login, q=where.queue))
        return []
    mine = [col(Inquiry.queue_id).in_([q.id for q in queues_of(session, actor)])]
    return [or_(*mine, col(Inquiry.assignee_id) == actor.id) if actor.id is not None else mine[0]]


def filter_conditions(session: Session, actor: Actor, where: InquiryFilter, columns=Inquiry, values=None) -> list:
    """Every parameter but state and overdue as conditions on `columns`: the live inquiries, or the archive
    table's columns with `values` its attribute values (services/platform/archive_read), which have the same names."""
    check_periods(where)
    conditions = filter_sql.extra_conditions(session, where, columns, values)
    if where.queue:
        conditions.append(columns.queue_id == queue_by_code(session, where.queue).id)
    if where.assignee:
        login = actor.login if where.assignee == "me" else where.assignee
        conditions.append(columns.assignee_id == select(User.id).where(User.login == login).scalar_subquery())
    if where.priority:
        conditions.append(columns.priority_id == select(Priority.id).where(Priority.code == where.priority)
                          .scalar_subquery())
    if where.topic and not where.subtopics:  # a subtree is among filter_sql's conditions
        conditions.append(columns.topic_id == select(Topic.id).where(Topic.code == where.topic).scalar_subquery())
    if where.customer is not None:
        conditions.append(columns.party_id == where.customer)
    return conditions


def check_filter(session: Session, actor: Actor, where: InquiryFilter) -> None:
    """Refuse a filter a list could not run: an unknown state or code, an operator that does not fit."""
    if where.state not in STATE_FILTERS:
        raise ValidationError("state", _("one of: {choices}").format(choices=", ".join(STATE_FILTERS)))
    filter_conditions(session, actor, where)


def _conditions(session: Session, actor: Actor, where: InquiryFilter) -> list:
    conditions = filter_conditions(session, actor, where)
    if where.overdue:
        conditions.append(Inquiry.due_at < utcnow())
    return conditions


def _state_page(session: Session, conditions: list, sort: str, descending: bool, after: list | None,
                limit: int, now: datetime) -> list[InquiryRow]:
    columns = SORTS[sort]
    query = _ROW.where(*conditions)
    if after is not None:
        key = tuple_(*columns)
        bound = tuple_(*_typed_cursor(after, sort))
        query = query.where(key < bound if descending else key > bound)
    query = query.order_by(*(c.desc() if descending else c for c in columns)).limit(limit)
    return [_row(r, now) for r in session.execute(query)]


def _row(r, now: datetime) -> InquiryRow:
    due = None if r[11] >= NO_DEADLINE else r[11]
    return InquiryRow(id=r[0], created_at=r[1], topic=r[2], topic_labels=r[3], customer=r[4], priority=r[5],
                      priority_rank=r[6], state=r[7], step=r[8], queue=r[9], assignee=r[10], due_at=due,
                      overdue=due is not None and due < now and r[7] in OPEN, version=r[12], revision_id=r[13],
                      warn_at=r[14])


def _key(row: InquiryRow, sort: str) -> tuple:
    due = row.due_at or NO_DEADLINE
    return {"work": (row.priority_rank, due, row.id), "due": (due, row.id), "age": (row.id,)}[sort]


def _cursor(row: InquiryRow, sort: str) -> list:
    return [v.isoformat() if isinstance(v, datetime) else v for v in _key(row, sort)]


def _typed_cursor(after: list, sort: str) -> list:
    try:
        if sort == "work":
            return [int(after[0]), datetime.fromisoformat(after[1]), int(after[2])]
        if sort == "due":
            return [datetime.fromisoformat(after[0]), int(after[1])]
        return [int(after[0])]
    except (ValueError, TypeError, IndexError, KeyError, OverflowError):  # a cursor from the command line
        raise ValidationError("after", _("not a page cursor")) from None
