"""Orders (services/sales/orders): an accepted quote becomes an order of a configured type; its handling is an
inquiry of the type's topic, so it runs on that topic's route with its queues and SLA. The order keeps its
items as the quote priced them; its state while open follows the inquiry (read there, never copied here)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Index, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from crmterm.store.base import Versioned


class SalesOrderType(Versioned, table=True):
    """A kind of order (config as code) and the topic whose route handles it."""

    __tablename__ = "sales_order_type"
    __table_args__ = (UniqueConstraint("code"),)
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, nullable=False)
    names: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)  # {language: name}
    topic: str = Field(max_length=64, nullable=False)  # a topic's code
    is_default: bool = Field(default=False, nullable=False)


class SalesOrder(Versioned, table=True):
    __tablename__ = "sales_order"
    __table_args__ = (UniqueConstraint("number"), UniqueConstraint("quote_id"),
                      Index("ix_sales_order_owner", "owner_id", "cancelled"))
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=32, nullable=False)
    quote_id: int = Field(foreign_key="quote.id", nullable=False)
    party_id: int = Field(foreign_key="party.id", index=True, nullable=False)
    owner_id: int | None = Field(default=None, foreign_key="app_user.id")
    order_type: str = Field(max_length=64, nullable=False)
    # no foreign key: `crmterm archive` moves closed inquiries out of the inquiry table (as work.Callback does)
    inquiry_id: int | None = Field(default=None, index=True)
    currency: str = Field(default="RUB", max_length=3, nullable=False)
    net: Decimal = Field(default=Decimal(0), sa_type=Numeric(14, 2), nullable=False)
    tax: Decimal = Field(default=Decimal(0), sa_type=Numeric(14, 2), nullable=False)
    total: Decimal = Field(default=Decimal(0), sa_type=Numeric(14, 2), nullable=False)
    cancelled: bool = Field(default=False, nullable=False)
    cancelled_at: datetime | None = None
    cancel_reason: str = Field(default="", max_length=500, nullable=False)


class SalesOrderItem(SQLModel, table=True):
    """An item as the accepted quote priced it."""

    __tablename__ = "sales_order_item"
    __table_args__ = (UniqueConstraint("order_id", "position"),)
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="sales_order.id", nullable=False)
    position: int = Field(nullable=False)
    product: str = Field(max_length=64, nullable=False)
    quantity: int = Field(nullable=False)
    unit_price: Decimal = Field(sa_type=Numeric(12, 2), nullable=False)
    discount: Decimal = Field(default=Decimal(0), sa_type=Numeric(5, 2), nullable=False)  # percent, all applied
    net: Decimal = Field(sa_type=Numeric(14, 2), nullable=False)
