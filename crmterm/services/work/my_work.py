"""My work (issue 24, item 6): one list of what an agent should do next — the inquiries they hold, the
inquiries (theirs, or waiting in their queues) whose customer wrote an e-mail after the last reply, the
callbacks due now (theirs or their queues', window started) and their open tasks — most urgent priority
first, then the nearest deadline. Bounded: each source gives at most `limit` rows (an agent's desk, not a
queue: the queues tab pages through queues)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import and_, func, or_
from sqlalchemy import select as sa_select  # rows of plain columns (sqlmodel.select types ids as optional)
from sqlmodel import Session, col, select

from crmterm.errors import NotFound
from crmterm.i18n import N_, _, pick
from crmterm.services.accounts.permissions import Actor, Permission, Role, require
from crmterm.services.work import assignment, callbacks, tasks
from crmterm.store import NO_DEADLINE, Callback, Inquiry, InquiryEvent, MailMessage, Party, Topic, User, utcnow
from crmterm.workflow.engine import OPEN, State

LIMIT = 100
CALLBACK_RANK = 20  # a callback without an inquiry is a promise at a time: as urgent as a high priority
KIND_LABELS = {"inquiry": N_("inquiry"), "mail": N_("reply due"), "callback": N_("callback"),
               "task": N_("task")}


class WorkItem(BaseModel):
    kind: str  # inquiry | mail | callback | task
    id: int  # the inquiry's, callback's or task's number
    title: str
    customer: str
    rank: int  # priority rank: lower is more urgent
    deadline: datetime | None
    inquiry_id: int | None  # what Enter opens
    overdue: bool


def my_work(*, session: Session, actor: Actor, login: str | None = None, limit: int = LIMIT) -> list[WorkItem]:
    """The actor's work list; another agent's (`login`) for supervisors."""
    require(actor, Permission.INQUIRIES_READ)
    whose = _whose(session, actor, login)
    queues = assignment.my_queue_ids(session, whose)
    now = utcnow()
    items = {("inquiry", i.id): i for i in _held(session, whose, limit)}
    items.update({("inquiry", i.id): i for i in _awaiting_reply(session, whose, queues, limit)})
    items.update({("callback", i.id): i for i in _due_callbacks(session, whose, queues, now, limit)})
    items.update({("task", i.id): i for i in _open_tasks(session, whose, limit)})
    far = datetime.max.replace(tzinfo=now.tzinfo)
    return sorted(items.values(), key=lambda i: (i.rank, i.deadline or far, i.kind, i.id))


def _whose(session: Session, actor: Actor, login: str | None) -> Actor:
    if not login or login == actor.login:
        return actor
    require(actor, Permission.INQUIRIES_SUPERVISE)
    user = session.exec(select(User).where(User.login == login)).first()
    if user is None:
        raise NotFound(_("User"), login)
    return Actor(login=user.login, role=Role(user.role_code), id=user.id, display_name=user.display_name or "")


def _inquiry_rows(session: Session, where, limit: int):
    query = (sa_select(col(Inquiry.id), col(Inquiry.priority_rank), col(Inquiry.due_at), col(Topic.labels),
                       col(Topic.code), col(Party.display_name))
             .join(Topic, col(Topic.id) == Inquiry.topic_id)
             .outerjoin(Party, col(Party.id) == Inquiry.party_id)
             .where(where).order_by(col(Inquiry.priority_rank), col(Inquiry.due_at), col(Inquiry.id)).limit(limit))
    return session.execute(query).all()


def _inquiry_item(row, kind: str, now: datetime) -> WorkItem:
    inquiry_id, rank, due, labels, code, customer = row
    deadline = due if due < NO_DEADLINE else None
    return WorkItem(kind=kind, id=inquiry_id, title=pick(labels, code), customer=customer or "", rank=rank,
                    deadline=deadline, inquiry_id=inquiry_id, overdue=deadline is not None and deadline <= now)


def _held(session: Session, whose: Actor, limit: int) -> list[WorkItem]:
    held = and_(col(Inquiry.assignee_id) == whose.id, col(Inquiry.state).in_([State.TAKEN, State.IN_PROGRESS]))
    now = utcnow()
    return [_inquiry_item(row, "inquiry", now) for row in _inquiry_rows(session, held, limit)]


def _awaiting_reply(session: Session, whose: Actor, queues: list[int], limit: int) -> list[WorkItem]:
    """Inbound mail newer than the last reply sent from crmterm (services/mail/replies logs `mail_sent`)."""
    mail = (select(MailMessage.inquiry_id, func.max(MailMessage.received_at).label("received"))
            .where(col(MailMessage.inquiry_id).is_not(None), col(MailMessage.outcome).in_(["inquiry", "reply"]))
            .group_by(col(MailMessage.inquiry_id)).subquery())
    sent = (select(InquiryEvent.inquiry_id, func.max(InquiryEvent.at).label("replied"))
            .where(InquiryEvent.kind == "mail_sent").group_by(col(InquiryEvent.inquiry_id)).subquery())
    mine = or_(col(Inquiry.assignee_id) == whose.id,
               and_(col(Inquiry.assignee_id).is_(None), col(Inquiry.queue_id).in_(queues)))
    ids = (select(mail.c.inquiry_id).outerjoin(sent, sent.c.inquiry_id == mail.c.inquiry_id)
           .where(or_(sent.c.replied.is_(None), mail.c.received > sent.c.replied)))
    where = and_(col(Inquiry.id).in_(ids), col(Inquiry.state).in_(list(OPEN)), mine)
    now = utcnow()
    return [_inquiry_item(row, "mail", now) for row in _inquiry_rows(session, where, limit)]


def _due_callbacks(session: Session, whose: Actor, queues: list[int], now: datetime, limit: int) -> list[WorkItem]:
    query = (select(Callback).where(Callback.state == callbacks.SCHEDULED, col(Callback.window_from) <= now,
                                    or_(col(Callback.agent_id) == whose.id, col(Callback.queue_id).in_(queues)))
             .order_by(col(Callback.window_to), col(Callback.id)).limit(limit))
    rows = callbacks.reads(session, list(session.exec(query).all()))
    ranks = _inquiry_ranks(session, {r.inquiry_id for r in rows if r.inquiry_id})
    return [WorkItem(kind="callback", id=r.id, title=f"{r.number} {r.note}".strip(), customer=r.customer,
                     rank=ranks.get(r.inquiry_id or 0, CALLBACK_RANK), deadline=r.window_to,
                     inquiry_id=r.inquiry_id, overdue=r.overdue) for r in rows]


def _inquiry_ranks(session: Session, inquiry_ids: set[int]) -> dict[int, int]:
    if not inquiry_ids:
        return {}
    return {row[0]: row[1] for row in session.execute(sa_select(col(Inquiry.id), col(Inquiry.priority_rank))
                                                      .where(col(Inquiry.id).in_(inquiry_ids)))}


def _open_tasks(session: Session, whose: Actor, limit: int) -> list[WorkItem]:
    now = utcnow()
    rows = tasks.tasks(session=session, actor=whose, limit=limit)
    return [WorkItem(kind="task", id=t.id, title=t.title, customer=t.customer or "", rank=t.priority_rank,
                     deadline=t.due_at, inquiry_id=t.inquiry_id, overdue=t.due_at is not None and t.due_at <= now)
            for t in rows]
