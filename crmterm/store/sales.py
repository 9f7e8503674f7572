"""Sales: the catalogue (products, price lists), sales processes, quotes with their items, opportunities and
their stage history (services/sales).

The catalogue, the processes and the manual-discount limits are configuration (config as code) and live as
one row per code with their details in JSON: a quote reads its whole catalogue in one query. Money is Numeric;
prices inside a price list's JSON are decimal strings (JSON has no decimals)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Index, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from crmterm.store.base import Versioned, utcnow


class SalesProduct(Versioned, table=True):
    """A product, service, tariff, option, device or bundle with its configuration rules (CEL, see
    services/sales/configuration)."""

    __tablename__ = "sales_product"
    __table_args__ = (UniqueConstraint("code"),)
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, nullable=False)
    kind: str = Field(max_length=16, nullable=False)  # product | service | tariff | option | device | bundle
    names: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)  # {language: name}
    unit: str = Field(default="pcs", max_length=16, nullable=False)
    valid_from: date | None = None
    valid_to: date | None = None  # exclusive
    options: list = Field(default_factory=list, sa_type=JSON, nullable=False)  # option codes it offers
    components: list = Field(default_factory=list, sa_type=JSON, nullable=False)  # bundle: [{code, quantity}]
    rules: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)  # requires/excludes/quantity/checks
    active: bool = Field(default=True, nullable=False)


class SalesPriceList(Versioned, table=True):
    """Prices for one client category (None: every category) over a period, in one currency with one tax rate."""

    __tablename__ = "sales_price_list"
    __table_args__ = (UniqueConstraint("code"),)
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, nullable=False)
    names: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)
    category: str | None = Field(default=None, max_length=64)  # a client category's code
    valid_from: date = Field(nullable=False)
    valid_to: date | None = None  # exclusive
    currency: str = Field(default="RUB", max_length=3, nullable=False)
    tax_rate: Decimal = Field(default=Decimal(0), sa_type=Numeric(5, 2), nullable=False)  # percent
    prices: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)  # {product code: "123.45"}


class SalesProcess(Versioned, table=True):
    """A sales process: its stages in order, each with a probability and an outcome (open, won, lost)."""

    __tablename__ = "sales_process"
    __table_args__ = (UniqueConstraint("code"),)
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, nullable=False)
    names: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)
    stages: list = Field(default_factory=list, sa_type=JSON, nullable=False)  # [{code, names, probability, outcome}]
    is_default: bool = Field(default=False, nullable=False)


class SalesDiscountLimit(Versioned, table=True):
    """The largest manual discount (percent) a role may give on a quote item."""

    __tablename__ = "sales_discount_limit"
    __table_args__ = (UniqueConstraint("role"),)
    id: int | None = Field(default=None, primary_key=True)
    role: str = Field(max_length=64, nullable=False)  # a role's code (preset or configured)
    percent: Decimal = Field(sa_type=Numeric(5, 2), nullable=False)


class Opportunity(Versioned, table=True):
    __table_args__ = (Index("ix_opportunity_owner", "owner_id", "state"),
                      Index("ix_opportunity_pipeline", "process", "stage"))
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200, nullable=False)
    party_id: int = Field(foreign_key="party.id", index=True, nullable=False)
    owner_id: int | None = Field(default=None, foreign_key="app_user.id")
    process: str = Field(max_length=64, nullable=False)
    stage: str = Field(max_length=64, nullable=False)
    probability: int = Field(default=0, nullable=False)  # percent, from the stage
    amount: Decimal | None = Field(default=None, sa_type=Numeric(14, 2))
    currency: str = Field(default="RUB", max_length=3, nullable=False)
    quote_number: str | None = Field(default=None, max_length=32)  # the amount comes from this quote
    expected_close: date | None = None
    competitor: str = Field(default="", max_length=200, nullable=False)
    loss_reason: str = Field(default="", max_length=500, nullable=False)
    state: str = Field(default="open", max_length=8, nullable=False)  # open | won | lost
    closed_at: datetime | None = None


class OpportunityStage(SQLModel, table=True):
    """Append-only: each stage an opportunity entered, when and by whom."""

    __tablename__ = "opportunity_stage"
    id: int | None = Field(default=None, primary_key=True)
    opportunity_id: int = Field(foreign_key="opportunity.id", index=True, nullable=False)
    stage: str = Field(max_length=64, nullable=False)
    probability: int = Field(nullable=False)
    at: datetime = Field(default_factory=utcnow, nullable=False)
    by: str = Field(max_length=64, nullable=False)


class Quote(Versioned, table=True):
    """One revision of a quote; revisions share the number. Totals are kept as last priced (lists, reports)."""

    __table_args__ = (UniqueConstraint("number", "revision"), Index("ix_quote_owner", "owner_id", "state"))
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=32, nullable=False)
    revision: int = Field(default=1, nullable=False)
    party_id: int = Field(foreign_key="party.id", index=True, nullable=False)
    opportunity_id: int | None = Field(default=None, foreign_key="opportunity.id", index=True)
    owner_id: int | None = Field(default=None, foreign_key="app_user.id")
    state: str = Field(default="draft", max_length=10, nullable=False)  # draft|sent|accepted|rejected|expired
    valid_until: date = Field(nullable=False)
    price_list: str = Field(max_length=64, nullable=False)
    currency: str = Field(default="RUB", max_length=3, nullable=False)
    tax_rate: Decimal = Field(default=Decimal(0), sa_type=Numeric(5, 2), nullable=False)  # percent
    net: Decimal = Field(default=Decimal(0), sa_type=Numeric(14, 2), nullable=False)
    tax: Decimal = Field(default=Decimal(0), sa_type=Numeric(14, 2), nullable=False)
    total: Decimal = Field(default=Decimal(0), sa_type=Numeric(14, 2), nullable=False)
    sent_at: datetime | None = None
    decided_at: datetime | None = None
    reason: str = Field(default="", max_length=500, nullable=False)  # why rejected


class QuoteItem(SQLModel, table=True):
    __tablename__ = "quote_item"
    __table_args__ = (UniqueConstraint("quote_id", "position"),)
    id: int | None = Field(default=None, primary_key=True)
    quote_id: int = Field(foreign_key="quote.id", nullable=False)
    position: int = Field(nullable=False)
    product: str = Field(max_length=64, nullable=False)  # a product's code
    quantity: int = Field(default=1, nullable=False)
    manual_discount: Decimal = Field(default=Decimal(0), sa_type=Numeric(5, 2), nullable=False)  # percent
    # As last priced: a draft is repriced at every change, a sent quote keeps what the customer was sent
    unit_price: Decimal | None = Field(default=None, sa_type=Numeric(12, 2))  # None: not in the price list
    structural_discount: Decimal = Field(default=Decimal(0), sa_type=Numeric(5, 2), nullable=False)  # percent
