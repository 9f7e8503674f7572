"""Service management's own rows (services/service): the installed base (equipment at a customer), service
contracts with their coverage and targets, and warranty lengths per product model.

A contract covers exactly one scope: a customer (`party_id`), a structure node (`party_id` with
`structure_id`: the party and everyone below it in that structure) or one asset (`asset_id`). What it covers
is listed in JSON (topic codes, each with its subtree; product codes); empty lists cover everything."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import JSON, Numeric, UniqueConstraint
from sqlmodel import Field

from crmterm.store.base import Versioned


class ServiceAsset(Versioned, table=True):
    """One piece of equipment installed at a customer (or at one of its subscribers)."""

    __tablename__ = "service_asset"
    __table_args__ = (UniqueConstraint("serial"),)
    id: int | None = Field(default=None, primary_key=True)
    serial: str = Field(max_length=64, nullable=False)  # in capitals without spaces: found however typed
    model: str = Field(max_length=128, nullable=False)  # a catalogue product's code, or free text
    party_id: int = Field(foreign_key="party.id", nullable=False, index=True)
    subscriber_id: int | None = Field(default=None, foreign_key="subscriber.id", index=True)
    address: str = Field(default="", max_length=300, nullable=False)
    installed_on: date = Field(nullable=False)


class ServiceContract(Versioned, table=True):
    """What was agreed with a customer: coverage, business hours, response and resolution targets, validity
    and, optionally, a credit owed per breach (the quality-of-service report adds them up)."""

    __tablename__ = "service_contract"
    __table_args__ = (UniqueConstraint("code"),)
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, nullable=False)
    name: str = Field(default="", max_length=200, nullable=False)
    party_id: int | None = Field(default=None, foreign_key="party.id", index=True)
    structure_id: int | None = Field(default=None, foreign_key="structure.id")
    asset_id: int | None = Field(default=None, foreign_key="service_asset.id", index=True)
    topics: list = Field(default_factory=list, sa_type=JSON, nullable=False)  # topic codes (with subtrees)
    products: list = Field(default_factory=list, sa_type=JSON, nullable=False)  # product codes / models
    calendar_id: int | None = Field(default=None, foreign_key="calendar.id")  # None: around the clock
    response_minutes: int | None = None
    resolution_minutes: int | None = None
    valid_from: date = Field(nullable=False)
    valid_to: date | None = None  # exclusive; None: open-ended
    credit_per_breach: Decimal | None = Field(default=None, sa_type=Numeric(12, 2))


class ServiceWarranty(Versioned, table=True):
    """How long a product model is under warranty from its installation."""

    __tablename__ = "service_warranty"
    __table_args__ = (UniqueConstraint("model"),)
    id: int | None = Field(default=None, primary_key=True)
    model: str = Field(max_length=128, nullable=False)
    months: int = Field(nullable=False)
