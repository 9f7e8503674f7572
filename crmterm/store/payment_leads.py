"""Issue 28, items 4 and 6: a payer's payment distributed over the contracts below it (services/customers/
payment_split), and what each lead export sent to billing and what billing answered (services/customers/
lead_batches)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Numeric
from sqlmodel import Field, SQLModel

from crmterm.store.base import utcnow


class PaymentDistribution(SQLModel, table=True):
    """Money a payer paid for the contracts below it in a structure: the source of the Payment rows it was
    split into (Payment.distribution_id). `advance` is the part no contract owed, kept as a credit."""

    __tablename__ = "payment_distribution"
    id: int | None = Field(default=None, primary_key=True)
    payer_party_id: int = Field(foreign_key="party.id", index=True, nullable=False)
    structure: str = Field(max_length=64, nullable=False)
    rule: str = Field(max_length=16, nullable=False)  # oldest | proportional
    amount: Decimal = Field(sa_type=Numeric(12, 2), nullable=False)
    advance: Decimal = Field(default=Decimal(0), sa_type=Numeric(12, 2), nullable=False)
    currency: str = Field(default="RUB", max_length=3, nullable=False)
    paid_on: date = Field(nullable=False)
    reference: str = Field(default="", max_length=100, nullable=False)
    created_by: str = Field(max_length=64, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)


class LeadExportBatch(SQLModel, table=True):
    """One `customer export-leads`: when, by whom, into which file, how many leads."""

    __tablename__ = "lead_export_batch"
    id: int | None = Field(default=None, primary_key=True)
    file: str = Field(max_length=500, nullable=False)
    exported_by: str = Field(max_length=64, nullable=False)
    exported_at: datetime = Field(default_factory=utcnow, nullable=False)
    leads: int = Field(default=0, nullable=False)


class LeadExportState(SQLModel, table=True):
    """A lead's last export: the batch, what was sent (a fingerprint, to send it again only when it changed)
    and billing's answer (sent | accepted | rejected, with the reason)."""

    __tablename__ = "lead_export_state"
    party_id: int = Field(foreign_key="party.id", primary_key=True)
    batch_id: int = Field(foreign_key="lead_export_batch.id", index=True, nullable=False)
    sent_at: datetime = Field(nullable=False)
    fingerprint: str = Field(max_length=64, nullable=False)
    status: str = Field(default="sent", max_length=16, nullable=False)
    reason: str = Field(default="", max_length=500, nullable=False)
    answered_at: datetime | None = None
