"""Billing's own rows in the CRM (services/billing): the blacklists. Balances, invoices and payments stay in
the billing system and are read through an adapter, never copied here."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from crmterm.store.base import utcnow


class BlacklistEntry(SQLModel, table=True):
    """A customer, a phone number or an identity document flagged for fraud or non-payment, until a day (or
    for good) or until lifted. Never deleted: a lifted entry stays, with who lifted it and when (the audit
    log has both changes too)."""

    __tablename__ = "blacklist_entry"
    __table_args__ = (Index("ix_blacklist_entry_value", "kind", "value"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16, nullable=False)  # customer | phone | document
    value: str = Field(max_length=64, nullable=False)  # the party's number, an E.164 number, a document number
    party_id: int | None = Field(default=None, foreign_key="party.id", index=True)  # kind customer
    reason: str = Field(max_length=16, nullable=False)  # fraud | non_payment
    note: str = Field(default="", max_length=500, nullable=False)
    added_by: str = Field(max_length=64, nullable=False)
    added_at: datetime = Field(default_factory=utcnow, nullable=False)
    until: date | None = None  # exclusive: in force before this day; None: until lifted
    lifted_by: str | None = Field(default=None, max_length=64)
    lifted_at: datetime | None = None
