"""Receivables: invoices imported from billing into the CRM — through the billing adapter, or from a CSV/JSONL
file billing exported — one row per billing invoice number. Importing again updates what billing changed
(mostly the paid amount) and leaves the rest alone, so the import is idempotent and safe to run nightly.

A file's record: number, customer (the customer's number, as billing keys it), contract (optional),
issued_on, due_on, amount, paid (default 0), currency (default RUB). Any bad record refuses the whole file,
naming its line: half an import would show debts that are not there."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.errors import ConfigError, CrmError, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.billing import accounts
from crmterm.services.billing.adapters import BillingKey
from crmterm.services.customers import customer_import
from crmterm.store import Party, Receivable, utcnow
from crmterm.store.decimals import DecimalLimits, decimal_field
from crmterm.store.tables import id_column

SUFFIXES = (".csv", ".jsonl")
_CHANGING = ("party_id", "contract", "issued_on", "due_on", "amount", "paid", "currency")


class ReceivableRead(BaseModel):
    number: str
    party_id: int
    contract: str | None
    issued_on: date
    due_on: date
    amount: Decimal
    paid: Decimal
    currency: str

    @property
    def open_amount(self) -> Decimal:
        return max(self.amount - self.paid, Decimal(0))


class ImportSummary(BaseModel):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    customers: int = 0  # customers whose invoices were read
    unavailable: list[str] = []  # customers billing could not answer for (adapter import)


def import_rows(*, session: Session, actor: Actor, rows: Iterable[tuple[int, dict[str, Any]]],
                source: str = "file") -> ImportSummary:
    """Upsert (line, record) pairs by invoice number; a bad record refuses them all."""
    require(actor, Permission.COLLECTIONS_MANAGE)
    checked = [_checked(session, line, record) for line, record in rows]
    summary = _upsert(session, checked, source)
    summary.customers = len({row.party_id for row in checked})
    return summary


def import_file(*, session: Session, actor: Actor, path: Path) -> ImportSummary:
    require(actor, Permission.COLLECTIONS_MANAGE)
    if path.suffix.lower() not in SUFFIXES:
        raise ValidationError("file", _("expected a .csv or .jsonl file"))
    return import_rows(session=session, actor=actor, rows=customer_import.read_records(path), source="file")


def import_from_adapter(*, session: Session, actor: Actor, party_ids: list[int] | None = None) -> ImportSummary:
    """Every active customer's invoices (or those of `party_ids`) as the configured billing adapter has them."""
    require(actor, Permission.COLLECTIONS_MANAGE)
    adapter = accounts.configured_adapter(session)
    query = select(id_column(Party)).where(col(Party.is_lead).is_(False), Party.status == "active")
    if party_ids is not None:
        query = query.where(col(Party.id).in_(party_ids))
    rows, unavailable, read = [], [], 0
    for party_id in session.exec(query.order_by(id_column(Party))).all():
        try:
            account = adapter.read(BillingKey(customer=str(party_id)))
        except Exception as error:  # noqa: BLE001 - one customer billing cannot answer for does not stop the rest
            unavailable.append(f"{party_id}: {_first_line(error)}")
            continue
        read += 1
        rows += [ReceivableRead(number=i.number, party_id=party_id, contract=None, issued_on=i.issued_on,
                                due_on=i.due_on, amount=i.amount, paid=i.paid, currency=account.currency)
                 for i in (account.invoices if account is not None else ())]
    if unavailable and not read:
        raise ConfigError(_("billing did not answer: {why}").format(why=unavailable[0]))
    summary = _upsert(session, rows, "adapter")
    summary.customers, summary.unavailable = read, unavailable
    return summary


def _first_line(error: Exception) -> str:
    text = str(error)
    return text.splitlines()[0][:200] if text.strip() else type(error).__name__


def _checked(session: Session, line: int, record: dict[str, Any]) -> ReceivableRead:
    try:
        if "__error__" in record:
            raise ValidationError(None, record["__error__"])
        return _parsed(session, record)
    except CrmError as error:
        raise ValidationError(None, _("line {line}: {why}").format(line=line, why=error)) from None


_MONEY = DecimalLimits(digits=10, places=2, minimum=Decimal(0))


def _parsed(session: Session, record: dict[str, Any]) -> ReceivableRead:
    number = str(record.get("number") or "").strip()
    if not number or len(number) > 32:
        raise ValidationError("number", _("an invoice number of 1 to 32 characters"))
    customer = str(record.get("customer") or "").strip()
    if not customer.isdecimal() or session.get(Party, int(customer)) is None:
        raise ValidationError("customer", _("no customer numbered '{n}'").format(n=customer[:32]))
    amount = decimal_field("amount", record.get("amount"), _MONEY)
    paid = decimal_field("paid", record.get("paid", 0), _MONEY)
    issued, due = _day(record, "issued_on"), _day(record, "due_on")
    if due < issued:
        raise ValidationError("due_on", _("before the invoice was issued"))
    currency = str(record.get("currency") or "RUB").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise ValidationError("currency", _("a three-letter currency code"))
    contract = str(record.get("contract") or "").strip()[:64] or None
    return ReceivableRead(number=number, party_id=int(customer), contract=contract, issued_on=issued, due_on=due,
                          amount=amount, paid=min(paid, amount), currency=currency)


def _day(record: dict[str, Any], field: str) -> date:
    raw = record.get(field)
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw or "").strip()[:10])
    except ValueError:
        raise ValidationError(field, _("expected a date like 2026-03-01")) from None


def _upsert(session: Session, rows: list[ReceivableRead], source: str) -> ImportSummary:
    summary = ImportSummary()
    by_number = {row.number: row for row in rows}  # the file's last line for a number wins
    existing = {r.number: r for r in session.exec(select(Receivable).where(col(Receivable.number).in_(by_number)))}
    for number, row in by_number.items():
        found = existing.get(number)
        if found is None:
            session.add(Receivable(**row.model_dump(), source=source))
            summary.created += 1
        elif any(getattr(found, name) != getattr(row, name) for name in _CHANGING):
            for name in _CHANGING:
                setattr(found, name, getattr(row, name))
            found.imported_at, found.source = utcnow(), source
            session.add(found)
            summary.updated += 1
        else:
            summary.unchanged += 1
    session.flush()
    return summary


def of_customer(*, session: Session, actor: Actor, party_id: int, open_only: bool = False) -> list[ReceivableRead]:
    """A customer's receivables, oldest due first."""
    require(actor, Permission.CUSTOMERS_READ)
    query = select(Receivable).where(Receivable.party_id == party_id)
    if open_only:
        query = query.where(col(Receivable.paid) < col(Receivable.amount))
    rows = session.exec(query.order_by(col(Receivable.due_on), col(Receivable.number))).all()
    return [ReceivableRead.model_validate(row, from_attributes=True) for row in rows]
