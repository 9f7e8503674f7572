"""Reading an inquiry whole (values with labels, events, attachments, parent and children), commenting,
and what the registration screen shows beside the form: the customer's open inquiries, last contacts and
earlier inquiries on the same topic (repeats)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from crmterm.errors import NotFound, ValidationError, refuse_nul
from crmterm.i18n import _, pick
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.billing import accounts as billing_accounts
from crmterm.services.customers.customers import category_code
from crmterm.services.customers.party_inquiries import SUMMARY_QUERY, InquirySummary, summaries
from crmterm.services.inquiries import inquiry_log
from crmterm.services.inquiries.event_labels import event_labels
from crmterm.services.inquiries.inquiry_log import OPEN_STATES
from crmterm.services.routing import routing
from crmterm.store import (
    NO_DEADLINE,
    Attachment,
    AttributeDef,
    Channel,
    Contact,
    ContactPerson,
    DictionaryItem,
    Inquiry,
    InquiryEvent,
    InquiryValue,
    Party,
    Place,
    Priority,
    Queue,
    Route,
    Topic,
    User,
    utcnow,
)


class ValueRead(BaseModel):
    code: str
    label: str
    type: str
    value: str
    shown: str  # the dictionary item's label where there is one


class EventRead(BaseModel):
    at: datetime
    actor: str
    kind: str
    contact_id: int | None
    text: str
    data: dict[str, Any]
    labels: dict[str, str] = {}  # data key -> the name of the code there, in the user's language


class AttachmentRead(BaseModel):
    id: int
    name: str
    mime: str
    size: int
    sha256: str
    created_at: datetime
    created_by: str


class ContactRead(BaseModel):
    id: int
    at: datetime
    operator: str | None
    place: str | None
    channel: str | None
    direction: str
    customer_id: int | None
    caller: str
    text: str
    place_label: str | None = None  # the names in the user's language, for screens (codes stay for scripts)
    channel_label: str | None = None


class InquiryRead(InquirySummary):
    contact: ContactRead
    customer_id: int | None
    customer: str | None
    priority: str | None
    parent_id: int | None
    text: str
    closed_at: datetime | None
    version: int
    route: str | None = None
    route_label: str | None = None
    revision: int | None = None
    step: str | None = None
    step_label: str | None = None
    queue: str | None = None
    priority_label: str | None = None  # the names in the user's language (screens show them, not codes)
    queue_label: str | None = None
    assignee: str | None = None
    due_at: datetime | None = None  # None: no deadline
    react_due_at: datetime | None = None  # to be taken by then (None: no regulation says)
    sla_paused_at: datetime | None = None  # waiting for the customer since: the regulation's clock stands still
    resolution: str = ""
    values: list[ValueRead]
    events: list[EventRead]
    attachments: list[AttachmentRead]
    children: list[InquirySummary]


# Selects of more columns than SQLModel's `select` overloads take: SQLAlchemy's select, run with execute.
def get_inquiry(*, session: Session, actor: Actor, inquiry_id: int) -> InquiryRead:
    require(actor, Permission.INQUIRIES_READ)
    row = session.execute(sa_select(Inquiry, col(Topic.code), col(Topic.labels), col(Priority.code),
                                    col(Party.display_name), col(Queue.code), col(User.login), col(Priority.labels),
                                    col(Queue.labels))
                          .join(Topic, col(Topic.id) == Inquiry.topic_id)
                          .outerjoin(Priority, col(Priority.id) == Inquiry.priority_id)
                          .outerjoin(Queue, col(Queue.id) == Inquiry.queue_id)
                          .outerjoin(User, col(User.id) == Inquiry.assignee_id)
                          .outerjoin(Party, col(Party.id) == Inquiry.party_id)
                          .where(col(Inquiry.id) == inquiry_id)).first()
    if row is None:
        raise NotFound(_("Inquiry"), inquiry_id)
    inquiry, code, labels, priority, customer, queue, assignee, priority_labels, queue_labels = row
    rev = routing.revision(session, inquiry.route_revision_id) if inquiry.route_revision_id else None
    step = rev.definition.step(inquiry.step) if rev else None
    return InquiryRead(
        route=rev.route if rev else None, revision=rev.revision if rev else None, step=inquiry.step,
        step_label=step.label() if step else None, queue=queue, assignee=assignee,
        priority_label=pick(priority_labels, priority) if priority else None,
        queue_label=pick(queue_labels, queue) if queue else None,
        due_at=None if inquiry.due_at >= NO_DEADLINE else inquiry.due_at, resolution=inquiry.resolution,
        react_due_at=inquiry.react_due_at, sla_paused_at=inquiry.sla_paused_at,
        id=inquiry.id, topic=code, topic_label=pick(labels, code), type=inquiry.type, state=inquiry.state,
        created_at=inquiry.created_at, contact=_contact(session, inquiry.contact_id), customer_id=inquiry.party_id,
        customer=customer, priority=priority, parent_id=inquiry.parent_id, text=inquiry.text,
        closed_at=inquiry.closed_at, version=inquiry.version, values=_values(session, inquiry.id),
        events=_events(session, inquiry.id, rev), route_label=_route_label(session, rev),
        attachments=[AttachmentRead.model_validate(a, from_attributes=True) for a in session.exec(
            select(Attachment).where(Attachment.inquiry_id == inquiry.id).order_by(col(Attachment.id))).all()],
        children=summaries(session, SUMMARY_QUERY.where(col(Inquiry.parent_id) == inquiry.id)
                           .order_by(col(Inquiry.id))))


def _events(session: Session, inquiry_id: int, rev: routing.Revision | None) -> list[EventRead]:
    rows = session.exec(select(InquiryEvent).where(InquiryEvent.inquiry_id == inquiry_id)
                        .order_by(col(InquiryEvent.id))).all()
    named = event_labels(session, list(rows), rev.definition if rev else None)
    return [EventRead.model_validate(row, from_attributes=True).model_copy(update={"labels": labels})
            for row, labels in zip(rows, named)]


def _route_label(session: Session, rev: routing.Revision | None) -> str | None:
    if rev is None:
        return None
    labels = session.exec(select(col(Route.labels)).where(Route.code == rev.route)).first()
    return pick(labels, rev.route)


_CONTACTS = (sa_select(Contact, col(User.login), col(Place.code), col(Channel.code), col(Place.labels),
                       col(Channel.labels))
             .outerjoin(User, col(User.id) == Contact.operator_id)
             .outerjoin(Place, col(Place.id) == Contact.place_id)
             .outerjoin(Channel, col(Channel.id) == Contact.channel_id))


def _contacts(session: Session, query) -> list[ContactRead]:
    return [ContactRead(id=c.id, at=c.at, operator=login, place=place, channel=channel, direction=c.direction,
                        customer_id=c.party_id, caller=c.caller, text=c.text,
                        place_label=pick(place_labels, place) if place else None,
                        channel_label=pick(channel_labels, channel) if channel else None)
            for c, login, place, channel, place_labels, channel_labels in session.execute(query).all()]


def _contact(session: Session, contact_id: int) -> ContactRead:
    return _contacts(session, _CONTACTS.where(col(Contact.id) == contact_id))[0]


def _values(session: Session, inquiry_id: int) -> list[ValueRead]:
    rows = session.execute(sa_select(col(AttributeDef.code), col(AttributeDef.labels), col(AttributeDef.type),
                                     col(InquiryValue.value), col(DictionaryItem.labels))
                           .join(AttributeDef, col(AttributeDef.id) == InquiryValue.attribute_id)
                           .outerjoin(DictionaryItem, (col(DictionaryItem.dictionary_id) == AttributeDef.dictionary_id)
                                      & (col(DictionaryItem.code) == InquiryValue.value))
                           .where(col(InquiryValue.inquiry_id) == inquiry_id)
                           .order_by(col(AttributeDef.sort_order), col(AttributeDef.code))).all()
    return [ValueRead(code=code, label=pick(labels, code), type=kind, value=value,
                      shown=pick(item_labels, value) if item_labels else value)
            for code, labels, kind, value, item_labels in rows]


def comment(*, session: Session, actor: Actor, inquiry_id: int, text: str, public: bool = False,
            data: dict | None = None) -> None:
    """An internal note unless `public`: a public comment is shown to the customer in the portal's timeline."""
    require(actor, Permission.INQUIRIES_WRITE)
    if not text.strip():
        raise ValidationError("text", _("a comment cannot be empty"))
    refuse_nul("text", text)
    if session.get(Inquiry, inquiry_id) is None:
        raise NotFound(_("Inquiry"), inquiry_id)
    inquiry_log.record(session, inquiry_id, actor, "commented", text=text.strip(),
                       data={**(data or {}), "public": True} if public else data)


def repeats(*, session: Session, actor: Actor, party_id: int, topic: str, days: int,
            now: datetime | None = None) -> list[InquirySummary]:
    """The customer's inquiries on the same topic in the last `days` days, newest first (one index range)."""
    require(actor, Permission.INQUIRIES_READ)
    since = (now or utcnow()) - timedelta(days=days)
    return summaries(session, SUMMARY_QUERY.where(col(Inquiry.party_id) == party_id, col(Topic.code) == topic,
                                              col(Inquiry.created_at) >= since)
                      .order_by(col(Inquiry.created_at).desc()).limit(10))


class Activity(BaseModel):
    category: str | None  # the customer's client category (rules on the form read it)
    open_inquiries: list[InquirySummary]
    open_count: int
    last_contacts: list[ContactRead]
    contact_persons: list[tuple[int, str]] = []
    # customer.balance|overdue|credit_limit|in_debt for the Register form's rules, as the server's checks see
    # them; none while billing is unavailable or has no account for the customer
    billing: dict[str, float | bool] = {}


def customer_activity(*, session: Session, actor: Actor, party_id: int, limit: int = 8) -> Activity:
    require(actor, Permission.INQUIRIES_READ)
    open_filter = (col(Inquiry.party_id) == party_id, col(Inquiry.state).in_(OPEN_STATES))
    return Activity(
        category=category_code(session, party_id),
        open_inquiries=summaries(session, SUMMARY_QUERY.where(*open_filter)
                                 .order_by(col(Inquiry.id).desc()).limit(limit)),
        open_count=session.exec(select(func.count()).select_from(Inquiry).where(*open_filter)).one(),
        last_contacts=_contacts(session, _CONTACTS.where(col(Contact.party_id) == party_id)
                                .order_by(col(Contact.at).desc()).limit(limit)),
        contact_persons=[tuple(r) for r in session.exec(select(col(ContactPerson.id), ContactPerson.name)
                                                        .where(ContactPerson.party_id == party_id)
                                                        .order_by(ContactPerson.name).limit(50)).all()],
        billing=billing_figures(session, party_id))


def billing_figures(session: Session, party_id: int) -> dict[str, float | bool]:
    """The billing fields of a rule's customer as plain values (billing read now, within its timeout): the
    same fields and values registration's own check gives rules (billing/accounts.rule_fields)."""
    fields = billing_accounts.rule_fields(session, party_id)
    return {name: value for name, field in fields.items() if (value := field.value()) is not None}
