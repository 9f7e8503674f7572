"""The demo's receivables: the demo billing's invoices imported (every third demo customer owes the last two
months, so `crmterm collections scan` has debtors to start the dunning process for), and one promise to pay
whose day passed yesterday unpaid — the scan flags it broken and escalates it.

Idempotent: only into empty receivables; nothing when the demo billing is not there (a PostgreSQL login that
may not create its schema: the card then says billing is unavailable, and collections has no work)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from crmterm.errors import CrmError
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.billing import billing_demo
from crmterm.services.collections import aging, cases, receivables
from crmterm.services.customers import structures
from crmterm.store import Contract, PaymentPromise, Receivable

PROMISE_DAYS_AGO = 8  # when the demo promise was made


def seed_demo_collections(*, session: Session, actor: Actor, today: date | None = None) -> int:
    """Returns the number of receivables imported (0: there were some already, or no demo billing)."""
    require(actor, Permission.CONFIG_IMPORT)
    if session.exec(select(func.count()).select_from(Receivable)).one():
        return 0
    try:
        imported = receivables.import_from_adapter(session=session, actor=actor)
    except CrmError:
        return 0  # billing is unavailable in this database
    _broken_promise(session, today or structures.today())
    return imported.created


def _broken_promise(session: Session, today: date) -> None:
    debtors = [d.party_id for d in aging.by_customer(session, today, overdue_only=True) if d.party_id is not None]
    if not debtors:
        return
    preferred = session.exec(select(Contract.payer_party_id).where(Contract.number == billing_demo.DEMO_DEBTOR)
                             ).first()
    party_id = preferred if preferred in debtors else debtors[0]
    promised = today - timedelta(days=PROMISE_DAYS_AGO)
    owed = aging.by_customer(session, today, [party_id])[0].overdue
    session.add(PaymentPromise(party_id=party_id, amount=owed, promised_on=today - timedelta(days=1),
                               paid_before=cases.paid_total(session, party_id), created_by="agent",
                               note="Salary is late; will pay everything next week",
                               created_at=datetime.combine(promised, time(10, 30), tzinfo=UTC)))
    session.flush()
