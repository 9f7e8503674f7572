"""Contacts (one interaction with a customer), the inquiries raised in them, their attribute values, the
append-only event log, and attachments (content stored once per sha256)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, Index, LargeBinary
from sqlmodel import Field, SQLModel

from crmterm.store.base import Versioned, utcnow


class Contact(SQLModel, table=True):
    __table_args__ = (Index("ix_contact_party_at", "party_id", "at"),
                      Index("ix_contact_at_operator", "at", "operator_id"))  # contacts per operator by period
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, nullable=False, index=True)
    operator_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)  # None: a batch job
    place_id: int | None = Field(default=None, foreign_key="place.id")
    direction: str = Field(default="in", max_length=8, nullable=False)  # in | out
    channel_id: int | None = Field(default=None, foreign_key="channel.id")
    client_category_id: int | None = Field(default=None, foreign_key="client_category.id")
    template_id: int | None = Field(default=None, foreign_key="contact_template.id")
    party_id: int | None = Field(default=None, foreign_key="party.id")  # None: an anonymous caller
    subscriber_id: int | None = Field(default=None, foreign_key="subscriber.id")
    contact_person_id: int | None = Field(default=None, foreign_key="contact_person.id")
    caller: str = Field(default="", max_length=100, nullable=False)  # number / address as given
    text: str = Field(default="", max_length=4000, nullable=False)


NO_DEADLINE = datetime(9999, 12, 31, tzinfo=UTC)  # sorts after every real deadline on both databases


class Inquiry(Versioned, table=True):
    """`party_id` repeats the contact's customer: repeat checks and a customer's open inquiries read one
    index instead of joining contacts. `priority_rank` repeats the priority's rank so a queue page and
    take-next read one index in work order (priority, deadline, age) without joins or sorting."""

    __table_args__ = (Index("ix_inquiry_party_topic_created", "party_id", "topic_id", "created_at"),
                      Index("ix_inquiry_party_state", "party_id", "state"),
                      Index("ix_inquiry_queue_work", "queue_id", "state", "priority_rank", "due_at", "id"),
                      Index("ix_inquiry_queue_due", "queue_id", "state", "due_at", "id"),
                      Index("ix_inquiry_queue_age", "queue_id", "state", "id"),
                      Index("ix_inquiry_assignee_state", "assignee_id", "state", "id"),
                      # reports read a period from this one index alone (services/reports_*)
                      Index("ix_inquiry_period", "created_at", "topic_id", "state", "closed_at", "due_at",
                            "queue_id", "priority_id", "step", "party_id", "contact_id", "id"),
                      Index("ix_inquiry_state_due", "state", "due_at", "assignee_id"),  # overdue by assignee
                      Index("ix_inquiry_sla_check", "sla_check_at", "id"))  # the SLA scan's range (sla_scan)
    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", index=True, nullable=False)
    party_id: int | None = Field(default=None, foreign_key="party.id")
    topic_id: int = Field(foreign_key="topic.id", index=True, nullable=False)
    type: str = Field(max_length=16, nullable=False)  # consultation | request | complaint
    priority_id: int | None = Field(default=None, foreign_key="priority.id")
    state: str = Field(default="registered", max_length=16, nullable=False, index=True)
    parent_id: int | None = Field(default=None, foreign_key="inquiry.id", index=True)
    assignee_id: int | None = Field(default=None, foreign_key="app_user.id")
    text: str = Field(default="", max_length=4000, nullable=False)
    closed_at: datetime | None = None
    priority_rank: int = Field(default=100, nullable=False)
    route_revision_id: int | None = Field(default=None, foreign_key="route_revision.id")
    step: str | None = Field(default=None, max_length=64)
    queue_id: int | None = Field(default=None, foreign_key="queue.id")
    due_at: datetime = Field(default=NO_DEADLINE, nullable=False)
    resolution: str = Field(default="", max_length=4000, nullable=False)
    # SLA clocks (services/sla/sla): the reaction deadline while it waits in its queue (None: no regulation says),
    # when it entered that queue (reaction and step clocks start there), when the regulation's resolution
    # clock started (routing; a reopen restarts it), and the pause while a step waits for the customer.
    react_due_at: datetime | None = None
    queued_at: datetime | None = None
    sla_started_at: datetime | None = None
    sla_paused_at: datetime | None = None
    sla_paused_minutes: float = Field(default=0.0, nullable=False)  # business minutes of finished pauses
    # When each clock nears its deadline (the regulation's warn_percent of its business time used), and the
    # next moment the SLA scan must look at this inquiry (None: nothing pending) — kept with the deadlines.
    react_warn_at: datetime | None = None
    warn_at: datetime | None = None
    sla_check_at: datetime | None = None


class InquiryValue(SQLModel, table=True):
    """One attribute value as text (services/topics/attribute_values.to_text); typed again when read."""

    __tablename__ = "inquiry_value"
    # the inquiries that have a value of an attribute, for filters and reports by attribute (routing/filter_sql)
    __table_args__ = (Index("ix_inquiry_value_attribute", "attribute_id", "inquiry_id"),)
    inquiry_id: int = Field(foreign_key="inquiry.id", primary_key=True)
    attribute_id: int = Field(foreign_key="attribute_def.id", primary_key=True)
    value: str = Field(max_length=4000, nullable=False)


class InquiryEvent(SQLModel, table=True):
    """Append-only: created, closed, commented, attached, contact_linked, child_created, … ."""

    __tablename__ = "inquiry_event"
    # the first or last 'taken' of an inquiry (reaction, handling time); an actor's events in a period
    __table_args__ = (Index("ix_inquiry_event_inquiry_kind", "inquiry_id", "kind", "at", "actor"),
                      Index("ix_inquiry_event_kind_at", "kind", "at", "actor", "inquiry_id"))
    id: int | None = Field(default=None, primary_key=True)
    inquiry_id: int = Field(foreign_key="inquiry.id", index=True, nullable=False)
    at: datetime = Field(default_factory=utcnow, nullable=False)
    actor: str = Field(max_length=64, nullable=False)  # login
    kind: str = Field(max_length=32, nullable=False)
    contact_id: int | None = Field(default=None, foreign_key="contact.id", index=True)
    text: str = Field(default="", max_length=4000, nullable=False)
    data: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)


class AttachmentBlob(SQLModel, table=True):
    """File content, once per distinct content however many inquiries carry it."""

    __tablename__ = "attachment_blob"
    sha256: str = Field(primary_key=True, max_length=64)
    size: int = Field(nullable=False)
    data: bytes = Field(sa_type=LargeBinary, nullable=False)


class Attachment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    inquiry_id: int = Field(foreign_key="inquiry.id", index=True, nullable=False)
    name: str = Field(max_length=255, nullable=False)
    mime: str = Field(max_length=100, nullable=False)
    size: int = Field(nullable=False)
    sha256: str = Field(foreign_key="attachment_blob.sha256", index=True, max_length=64, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    created_by: str = Field(max_length=64, nullable=False)
