"""Tasks: simple to-dos (a title, a due moment, a priority) for one agent or a queue, optionally about a
customer or an inquiry. Open until someone whose work it is marks it done."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from crmterm.errors import Conflict, NotFound, ValidationError, refuse_control
from crmterm.i18n import _
from crmterm.moments import check_moment
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.work import assignment
from crmterm.store import Inquiry, Party, Priority, WorkTask, utcnow
from crmterm.store.tables import rowcount

OPEN, DONE = "open", "done"
LIST_LIMIT = 200
NO_PRIORITY_RANK = 100  # as an inquiry without a priority (services/routing/routing.priority_rank)


class TaskRead(BaseModel):
    id: int
    title: str
    due_at: datetime | None
    priority: str | None
    priority_rank: int
    agent: str | None
    queue: str | None
    customer_id: int | None
    customer: str | None
    inquiry_id: int | None
    state: str
    created_by: str
    done_at: datetime | None
    version: int


def add_task(*, session: Session, actor: Actor, title: str, due_at: datetime | None = None,
             priority: str | None = None, agent: str | None = None, queue: str | None = None,
             customer: int | None = None, inquiry: int | None = None) -> TaskRead:
    require(actor, Permission.INQUIRIES_WRITE)
    title = title.strip()
    if not title:
        raise ValidationError("title", _("a task needs a title"))
    refuse_control("title", title)
    check_moment(due_at, "due")
    found = _priority(session, priority)
    if customer is not None and session.get(Party, customer) is None:
        raise NotFound(_("Customer"), customer)
    if inquiry is not None and session.get(Inquiry, inquiry) is None:
        raise NotFound(_("Inquiry"), inquiry)
    whose = assignment.resolve(session, actor, agent, queue)
    row = WorkTask(title=title[:200], due_at=due_at, priority_id=found.id if found else None,
                   priority_rank=found.rank if found else NO_PRIORITY_RANK, agent_id=whose.agent_id,
                   queue_id=whose.queue_id, party_id=customer, inquiry_id=inquiry, created_by=actor.login,
                   updated_by=actor.login)
    session.add(row)
    session.flush()
    return _reads(session, [row])[0]


def _priority(session: Session, code: str | None) -> Priority | None:
    if not code:
        return None
    found = session.exec(select(Priority).where(Priority.code == code)).first()
    if found is None:
        raise NotFound(_("Priority"), code)
    return found


def tasks(*, session: Session, actor: Actor, everyone: bool = False, state: str = OPEN,
          limit: int = LIST_LIMIT) -> list[TaskRead]:
    """Mine and my queues' (everyone's: supervisors), most urgent first, then the soonest due."""
    require(actor, Permission.INQUIRIES_READ)
    query = select(WorkTask).where(WorkTask.state == state)
    if everyone:
        require(actor, Permission.INQUIRIES_SUPERVISE)
    else:
        query = query.where(or_(col(WorkTask.agent_id) == actor.id,
                                col(WorkTask.queue_id).in_(assignment.my_queue_ids(session, actor))))
    query = query.order_by(col(WorkTask.priority_rank), col(WorkTask.due_at).is_(None), col(WorkTask.due_at),
                           col(WorkTask.id))
    return _reads(session, list(session.exec(query.limit(limit)).all()))


def finish_task(*, session: Session, actor: Actor, task_id: int, version: int | None = None) -> TaskRead:
    require(actor, Permission.INQUIRIES_WRITE)
    row = session.get(WorkTask, task_id)
    if row is None:
        raise NotFound(_("Task"), task_id)
    assignment.require_act(session, actor, row.agent_id, row.queue_id, row.created_by)
    expected = row.version if version is None else version
    result = session.execute(update(WorkTask)
                             .where(col(WorkTask.id) == task_id, col(WorkTask.version) == expected,
                                    col(WorkTask.state) == OPEN)
                             .values(state=DONE, done_at=utcnow(), version=expected + 1, updated_at=utcnow(),
                                     updated_by=actor.login)
                             .execution_options(synchronize_session=False))
    if rowcount(result) != 1:
        raise Conflict(_("task {n} is done already or changed meanwhile").format(n=task_id))
    session.expire(row)
    return _reads(session, [row])[0]


def _reads(session: Session, rows: list[WorkTask]) -> list[TaskRead]:
    agents, queues = assignment.names(session, {r.agent_id for r in rows if r.agent_id},
                                      {r.queue_id for r in rows if r.queue_id})
    priority_ids = {r.priority_id for r in rows if r.priority_id}
    priorities = dict(session.exec(select(Priority.id, Priority.code)
                                   .where(col(Priority.id).in_(priority_ids))).all()) if priority_ids else {}
    party_ids = {r.party_id for r in rows if r.party_id}
    parties = dict(session.exec(select(Party.id, Party.display_name)
                                .where(col(Party.id).in_(party_ids))).all()) if party_ids else {}
    return [TaskRead(id=r.id or 0, title=r.title, due_at=r.due_at,
                     priority=priorities.get(r.priority_id) if r.priority_id else None,
                     priority_rank=r.priority_rank, agent=agents.get(r.agent_id) if r.agent_id else None,
                     queue=queues.get(r.queue_id) if r.queue_id else None, customer_id=r.party_id,
                     customer=parties.get(r.party_id) if r.party_id else None,
                     inquiry_id=r.inquiry_id, state=r.state, created_by=r.created_by, done_at=r.done_at,
                     version=r.version) for r in rows]
