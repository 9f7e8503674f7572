"""The customer self-service portal (services/portal): customers' sessions, one-time log-in codes, PINs, what
the portal offers (topics, business functions) and customers' ratings of their closed inquiries.

Secrets are never stored as they are: a session is found by the SHA-256 of its cookie value, a one-time code
and a PIN are argon2id hashes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import JSON, Field, SQLModel

from crmterm.store.base import utcnow


class PortalSession(SQLModel, table=True):
    __tablename__ = "portal_session"
    token_hash: str = Field(primary_key=True, max_length=64)  # sha256 hex of the cookie's secret
    party_id: int = Field(foreign_key="party.id", index=True, nullable=False)  # who logged in
    visible: list = Field(default_factory=list, sa_type=JSON, nullable=False)  # party ids this customer may see
    csrf: str = Field(max_length=64, nullable=False)  # the token every form of this session carries
    language: str = Field(default="en", max_length=8, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    expires_at: datetime = Field(nullable=False)


class PortalCode(SQLModel, table=True):
    """A one-time log-in code sent through the notification outbox, for the number or contract typed."""

    __tablename__ = "portal_code"
    __table_args__ = (Index("ix_portal_code_login", "login_key", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    login_key: str = Field(max_length=80, nullable=False)  # the normalised number or contract
    party_id: int = Field(foreign_key="party.id", nullable=False)
    code_hash: str = Field(max_length=200, nullable=False)
    expires_at: datetime = Field(nullable=False)
    used_at: datetime | None = None


class PortalPin(SQLModel, table=True):
    __tablename__ = "portal_pin"
    party_id: int = Field(primary_key=True, foreign_key="party.id")
    pin_hash: str = Field(max_length=200, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, nullable=False)


class PortalTopic(SQLModel, table=True):
    """A topic offered in self-service; `internal_attributes` are never shown to customers."""

    __tablename__ = "portal_topic"
    topic_id: int = Field(primary_key=True, foreign_key="topic.id")
    internal_attributes: list = Field(default_factory=list, sa_type=JSON, nullable=False)


class PortalFunction(SQLModel, table=True):
    """A business function (entry point crmterm.functions) customers may run on their own data."""

    __tablename__ = "portal_function"
    name: str = Field(primary_key=True, max_length=100)
    topic_id: int = Field(foreign_key="topic.id", nullable=False)  # each run is an inquiry of this topic, closed
    params: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)  # fixed parameters of every run


class InquiryRating(SQLModel, table=True):
    """A customer's rating of a closed inquiry: one per inquiry, changed by rating again."""

    __tablename__ = "inquiry_rating"
    inquiry_id: int = Field(primary_key=True)  # no foreign key: archiving may remove inquiries
    party_id: int = Field(foreign_key="party.id", nullable=False)
    score: int = Field(nullable=False)  # 1–5
    remark: str = Field(default="", max_length=1000, nullable=False)
    rated_at: datetime = Field(default_factory=utcnow, nullable=False)
