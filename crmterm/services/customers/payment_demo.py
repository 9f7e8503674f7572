"""The demo's payment through a structure: the Nord group's head pays 3,000.00 for the contracts below it in
the billing structure, split oldest invoice first (customers/payment_split) — so a fresh demo shows shares of
one payment on its branches' cards and histories. Only when the demo has none yet, and only when billing
answers (a database login that could not make the demo billing leaves the demo without it)."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from crmterm.errors import Conflict
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.customers import payment_split
from crmterm.store import Contract, PaymentDistribution

DEMO_PAYER_CONTRACT = "NORD-001"  # the group's head
DEMO_AMOUNT = "3000.00"


def seed_demo_distribution(*, session: Session, actor: Actor) -> int:
    """The number of Payment rows made (0: there is a distribution already, or billing did not answer)."""
    require(actor, Permission.CONFIG_IMPORT)
    if session.exec(select(func.count()).select_from(PaymentDistribution)).one():
        return 0
    payer = session.exec(select(Contract.payer_party_id).where(Contract.number == DEMO_PAYER_CONTRACT)).first()
    if payer is None:
        return 0
    try:
        with session.begin_nested():  # a billing that fails leaves nothing half-written
            made = payment_split.distribute(session=session, actor=actor, payer_id=payer, amount=DEMO_AMOUNT,
                                            rule="oldest", reference="DEMO-BANK-0001", source="seed")
    except Conflict:
        return 0
    return len(made.allocations)
