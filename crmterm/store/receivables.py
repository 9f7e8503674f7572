"""Collections' rows in the CRM (services/collections): receivables — invoices imported from billing, one row
per billing invoice number, updated in place when billing's paid amount changes — and the payments customers
promised against them. Aging and the dunning scan read these, never billing itself, so they are one SQL
statement on either database however slow billing is."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Index, Numeric
from sqlmodel import Field, SQLModel

from crmterm.store.base import utcnow


class Receivable(SQLModel, table=True):
    """An invoice as billing last reported it: `paid` is billing's figure (payments are matched there)."""

    __tablename__ = "receivable"
    __table_args__ = (Index("ix_receivable_party_due", "party_id", "due_on"),)
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=32, nullable=False, unique=True)  # billing's invoice number
    party_id: int = Field(foreign_key="party.id", nullable=False)
    contract: str | None = Field(default=None, max_length=64)  # billing's contract number
    issued_on: date = Field(nullable=False)
    due_on: date = Field(nullable=False)
    amount: Decimal = Field(sa_type=Numeric(12, 2), nullable=False)
    paid: Decimal = Field(default=Decimal(0), sa_type=Numeric(12, 2), nullable=False)
    currency: str = Field(default="RUB", max_length=3, nullable=False)
    source: str = Field(default="adapter", max_length=16, nullable=False)  # adapter | file | seed
    imported_at: datetime = Field(default_factory=utcnow, nullable=False)


class PaymentPromise(SQLModel, table=True):
    """A customer's promise to pay `amount` by `promised_on`. `paid_before` is what the customer had paid on
    their receivables when promising: the promise is kept once they have paid `amount` more. `state` open →
    kept | broken (set by the collections scan, once)."""

    __tablename__ = "payment_promise"
    __table_args__ = (Index("ix_payment_promise_state", "state", "promised_on"),)
    id: int | None = Field(default=None, primary_key=True)
    party_id: int = Field(foreign_key="party.id", nullable=False, index=True)
    inquiry_id: int | None = None  # the dunning inquiry it answers (no foreign key: archiving may move it)
    amount: Decimal = Field(sa_type=Numeric(12, 2), nullable=False)
    promised_on: date = Field(nullable=False)
    paid_before: Decimal = Field(sa_type=Numeric(14, 2), nullable=False)
    state: str = Field(default="open", max_length=16, nullable=False)  # open | kept | broken
    note: str = Field(default="", max_length=500, nullable=False)
    created_by: str = Field(max_length=64, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    settled_at: datetime | None = None  # when the scan found it kept or broken
