"""Archived inquiries stay findable, read-only: `inquiry show` falls back to the archive, and `inquiry list
--archived` pages through it by id (the archive is history: no queues to work, no deadlines to sort by)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from crmterm.errors import NotFound, ValidationError
from crmterm.i18n import _, pick
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.customers.party_inquiries import InquirySummary
from crmterm.services.inquiries import inquiries
from crmterm.services.inquiries.inquiries import (
    AttachmentRead,
    ContactRead,
    EventRead,
    InquiryRead,
    ValueRead,
)
from crmterm.services.routing import routing
from crmterm.services.routing.queues import InquiryFilter, InquiryRow, Page, filter_conditions
from crmterm.store import (
    NO_DEADLINE,
    AttributeDef,
    Channel,
    Contact,
    DictionaryItem,
    Party,
    Place,
    Priority,
    Queue,
    Topic,
    User,
)
from crmterm.store.archive import (
    attachment_archive,
    inquiry_archive,
    inquiry_event_archive,
    inquiry_value_archive,
)

A = inquiry_archive.c  # the archived inquiry's columns


class ArchivedInquiryRead(InquiryRead):
    archived_at: datetime


def find_inquiry(*, session: Session, actor: Actor, inquiry_id: int) -> InquiryRead:
    """The live inquiry, else the archived one (an ArchivedInquiryRead)."""
    try:
        return inquiries.get_inquiry(session=session, actor=actor, inquiry_id=inquiry_id)
    except NotFound:
        return get_archived(session=session, actor=actor, inquiry_id=inquiry_id)


def get_archived(*, session: Session, actor: Actor, inquiry_id: int) -> ArchivedInquiryRead:
    require(actor, Permission.INQUIRIES_READ)
    row = session.execute(select(inquiry_archive, col(Topic.code).label("topic_code"),
                              col(Topic.labels).label("topic_labels"),
                              col(Priority.code).label("priority_code"), col(Party.display_name).label("customer_name"),
                              col(Queue.code).label("queue_code"), col(User.login).label("assignee_login"))
                          .join(Topic, col(Topic.id) == A.topic_id)
                          .outerjoin(Priority, col(Priority.id) == A.priority_id)
                          .outerjoin(Queue, col(Queue.id) == A.queue_id).outerjoin(User, col(User.id) == A.assignee_id)
                          .outerjoin(Party, col(Party.id) == A.party_id).where(A.id == inquiry_id)).first()
    if row is None:
        raise NotFound(_("Inquiry"), inquiry_id)
    found = row._mapping
    rev = routing.revision(session, found["route_revision_id"]) if found["route_revision_id"] else None
    step = rev.definition.step(found["step"]) if rev else None
    return ArchivedInquiryRead(
        id=inquiry_id, topic=found["topic_code"], topic_label=pick(found["topic_labels"], found["topic_code"]),
        type=found["type"], state=found["state"], created_at=found["created_at"],
        contact=_contact(session, found["contact_id"]), customer_id=found["party_id"],
        customer=found["customer_name"], priority=found["priority_code"], parent_id=found["parent_id"],
        text=found["text"], closed_at=found["closed_at"], version=found["version"],
        route=rev.route if rev else None, revision=rev.revision if rev else None, step=found["step"],
        step_label=step.label() if step else None, queue=found["queue_code"], assignee=found["assignee_login"],
        due_at=None if found["due_at"] >= NO_DEADLINE else found["due_at"], resolution=found["resolution"],
        values=_values(session, inquiry_id), events=_events(session, inquiry_id),
        attachments=_attachments(session, inquiry_id), children=_children(session, inquiry_id),
        archived_at=found["archived_at"])


def _contact(session: Session, contact_id: int) -> ContactRead:
    contact, login, place, channel = session.execute(
        select(Contact, col(User.login), col(Place.code), col(Channel.code))
        .outerjoin(User, col(User.id) == col(Contact.operator_id))
        .outerjoin(Place, col(Place.id) == col(Contact.place_id))
        .outerjoin(Channel, col(Channel.id) == col(Contact.channel_id))
        .where(col(Contact.id) == contact_id)).one()
    return ContactRead(id=contact.id, at=contact.at, operator=login, place=place, channel=channel,
                       direction=contact.direction, customer_id=contact.party_id, caller=contact.caller,
                       text=contact.text)


def _values(session: Session, inquiry_id: int) -> list[ValueRead]:
    v = inquiry_value_archive.c
    rows = session.execute(select(col(AttributeDef.code), col(AttributeDef.labels), col(AttributeDef.type), v.value,
                                  col(DictionaryItem.labels))
                           .join(AttributeDef, col(AttributeDef.id) == v.attribute_id)
                           .outerjoin(DictionaryItem,
                                      (col(DictionaryItem.dictionary_id) == col(AttributeDef.dictionary_id))
                                      & (col(DictionaryItem.code) == v.value))
                           .where(v.inquiry_id == inquiry_id)
                           .order_by(col(AttributeDef.sort_order), col(AttributeDef.code))).all()
    return [ValueRead(code=code, label=pick(labels, code), type=kind, value=value,
                      shown=pick(item_labels, value) if item_labels else value)
            for code, labels, kind, value, item_labels in rows]


def _events(session: Session, inquiry_id: int) -> list[EventRead]:
    e = inquiry_event_archive.c
    rows = session.execute(select(inquiry_event_archive).where(e.inquiry_id == inquiry_id).order_by(e.id)).all()
    return [EventRead.model_validate(dict(r._mapping)) for r in rows]


def _attachments(session: Session, inquiry_id: int) -> list[AttachmentRead]:
    a = attachment_archive.c
    rows = session.execute(select(attachment_archive).where(a.inquiry_id == inquiry_id).order_by(a.id)).all()
    return [AttachmentRead.model_validate(dict(r._mapping)) for r in rows]


def _children(session: Session, inquiry_id: int) -> list[InquirySummary]:
    """Children are archived before their parent, so an archived inquiry's children are all archived."""
    rows = session.execute(select(A.id, col(Topic.code), col(Topic.labels), A.type, A.state, A.created_at)
                           .join(Topic, col(Topic.id) == A.topic_id).where(A.parent_id == inquiry_id)
                           .order_by(A.id)).all()
    return [InquirySummary(id=r[0], topic=r[1], topic_label=pick(r[2], r[1]), type=r[3], state=r[4],
                           created_at=r[5]) for r in rows]


_ROW = (select(A.id, A.created_at, col(Topic.code), col(Topic.labels), col(Party.display_name), col(Priority.code),
               A.priority_rank, A.state, A.step, col(Queue.code), col(User.login), A.due_at, A.version,
               A.route_revision_id)
        .join(Topic, col(Topic.id) == A.topic_id).outerjoin(Party, col(Party.id) == A.party_id)
        .outerjoin(Priority, col(Priority.id) == A.priority_id).outerjoin(Queue, col(Queue.id) == A.queue_id)
        .outerjoin(User, col(User.id) == A.assignee_id))


def archived_page(*, session: Session, actor: Actor, where: InquiryFilter, descending: bool = False,
                  after: list | None = None, limit: int = 50) -> Page:
    """Archived inquiries in id order, one keyset page at a time (`after`: the cursor of the last page).
    The filter's state narrows to closed or cancelled; any other state means both."""
    require(actor, Permission.INQUIRIES_READ)
    query = _ROW.where(*_conditions(session, actor, where))
    if after:
        try:
            bound = int(after[0])
        except (ValueError, TypeError, IndexError, KeyError, OverflowError):
            raise ValidationError("after", _("not a page cursor")) from None
        query = query.where(A.id < bound if descending else A.id > bound)
    rows = session.execute(query.order_by(A.id.desc() if descending else A.id).limit(limit + 1)).all()
    found = [InquiryRow(id=r[0], created_at=r[1], topic=r[2], topic_labels=r[3], customer=r[4], priority=r[5],
                        priority_rank=r[6], state=r[7], step=r[8], queue=r[9], assignee=r[10],
                        due_at=None if r[11] >= NO_DEADLINE else r[11], overdue=False, version=r[12],
                        revision_id=r[13]) for r in rows[:limit]]
    return Page(rows=found, cursor=[found[-1].id] if len(rows) > limit and found else None)


def _conditions(session: Session, actor: Actor, where: InquiryFilter) -> list:
    conditions = filter_conditions(session, actor, where, A, inquiry_value_archive)
    if where.state in ("closed", "cancelled"):
        conditions.append(A.state == where.state)
    return conditions
