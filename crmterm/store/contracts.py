"""Contracts of a payer party, subscribers (service numbers) under a contract, date-ranged discounts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from crmterm.store.base import Versioned


class Contract(Versioned, table=True):
    __table_args__ = (UniqueConstraint("number"),)
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=64, nullable=False)  # upper-cased
    payer_party_id: int = Field(foreign_key="party.id", index=True, nullable=False)
    start_date: date = Field(nullable=False)
    end_date: date | None = None
    status: str = Field(default="active", max_length=16, nullable=False)


class Subscriber(Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True, nullable=False)
    number: str = Field(max_length=32, nullable=False)  # E.164
    number_rev: str = Field(max_length=32, index=True, nullable=False)  # digits reversed: suffix search
    service: str = Field(default="mobile", max_length=64, nullable=False)
    status: str = Field(default="active", max_length=16, nullable=False)


class Discount(Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)
    party_id: int | None = Field(default=None, foreign_key="party.id", index=True)
    contract_id: int | None = Field(default=None, foreign_key="contract.id", index=True)
    percent: Decimal = Field(sa_type=Numeric(5, 2), nullable=False)
    description: str = Field(default="", max_length=200, nullable=False)
    valid_from: date = Field(nullable=False)
    valid_to: date | None = None


class Payment(SQLModel, table=True):
    """Money received: always on a contract, optionally on one of its subscribers — never above a contract
    (contract_id is required, so a payment cannot attach to a party or a structure)."""

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True, nullable=False)
    subscriber_id: int | None = Field(default=None, foreign_key="subscriber.id")
    amount: Decimal = Field(sa_type=Numeric(12, 2), nullable=False)
    currency: str = Field(default="RUB", max_length=3, nullable=False)
    paid_on: date = Field(nullable=False)
    reference: str = Field(default="", max_length=100, nullable=False)
    created_by: str = Field(max_length=64, nullable=False)
    # a share of a payer's payment split over its contracts (services/customers/payment_split), and the invoice
    # it settles ("" for a payment recorded by hand or the credit no invoice took)
    distribution_id: int | None = Field(default=None, foreign_key="payment_distribution.id", index=True)
    invoice: str = Field(default="", max_length=64, nullable=False)
