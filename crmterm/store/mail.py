"""E-mail intake: the rules that give a new mail its topic and queue (configuration, a directory area), and
every message read from a mailbox, kept raw so that no mail is ever lost whatever happened to it next.

`MailMessage.message_id` is unique: a mailbox read twice, or two fetchers at once, store a message once.
`outcome` says what became of it: `inquiry` (a new inquiry), `reply` (added to the inquiry its subject's
token names), `unmatched` (no rule held) or `failed` (registration refused it; `error` says why).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from crmterm.store.base import Labelled, Versioned, utcnow


class MailRule(Labelled, Versioned, table=True):
    """The first active rule (by sort order) whose condition (CEL over `mail` and `customer`) holds gives a
    new mail its topic, and optionally a queue and a priority."""

    __tablename__ = "mail_rule"
    __table_args__ = (UniqueConstraint("code"),)
    id: int | None = Field(default=None, primary_key=True)
    condition: str = Field(default="true", max_length=1000, nullable=False)
    topic_id: int = Field(foreign_key="topic.id", nullable=False)
    queue_id: int | None = Field(default=None, foreign_key="queue.id")
    priority_id: int | None = Field(default=None, foreign_key="priority.id")


class MailMessage(SQLModel, table=True):
    __tablename__ = "mail_message"
    __table_args__ = (UniqueConstraint("message_id"),
                      Index("ix_mail_message_inquiry", "inquiry_id"))
    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(max_length=255, nullable=False)  # the Message-ID header (or a digest of the mail)
    mailbox: str = Field(max_length=300, nullable=False)  # where it was read: maildir path or imap://user@host
    received_at: datetime = Field(default_factory=utcnow, nullable=False)
    sender: str = Field(default="", max_length=254, nullable=False)
    recipient: str = Field(default="", max_length=254, nullable=False)
    subject: str = Field(default="", max_length=300, nullable=False)
    raw: bytes = Field(sa_type=LargeBinary, nullable=False)
    outcome: str = Field(max_length=16, nullable=False)  # inquiry | reply | unmatched | failed
    contact_id: int | None = None  # no foreign keys to contact or inquiry: archiving may remove them
    inquiry_id: int | None = None
    refused: list = Field(default_factory=list, sa_type=JSON, nullable=False)  # attachments not taken, why
    error: str | None = Field(default=None, max_length=1000)
