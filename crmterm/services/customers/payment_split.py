"""Payments through structures (issue 28, item 4): a payer's payment split over the contracts below it — its
own and those of every customer under it in the payments structure (payment_rules: which structure, which
rule) — one Payment row per invoice it settles, each pointing at the distribution it came from.

Where the debts come from: billing (the configured adapter, services/billing/accounts), because the CRM keeps
no invoices — billing issues them, and only billing knows what is open. An invoice's open amount is its amount
less the larger of what billing says is paid and what earlier distributions put on it: billing learns of the
CRM's payments later, and taking the larger never counts one payment twice. Billing must answer (within
`billing.timeout_seconds`): money is never split on a guess, so a billing that is down refuses the
distribution, and nothing is written.

What no invoice takes (more money than the contracts owe) is not refused — the money has been received — but
kept as an advance: an unallocated credit, a Payment row without an invoice on the payer's first contract (by
number; if the payer has none, the first contract below it)."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import date
from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import Session, col, select

from crmterm.errors import Conflict, ValidationError, refuse_control
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.billing import accounts
from crmterm.services.billing.adapters import Account, BillingKey
from crmterm.services.customers import history, structures
from crmterm.services.customers.customers import get_party
from crmterm.services.customers.payment_rules import OpenInvoice, allocate, config_from_file
from crmterm.store import Contract, Payment, PaymentDistribution, utcnow
from crmterm.store.decimals import money
from crmterm.store.tables import saved_id, table_of


class AllocationRead(BaseModel):
    contract: str
    invoice: str  # "" for the advance
    amount: Decimal
    payment_id: int


class DistributionRead(BaseModel):
    id: int
    payer_party_id: int
    structure: str
    rule: str
    amount: Decimal
    advance: Decimal
    currency: str
    paid_on: date
    reference: str
    allocations: list[AllocationRead]


def distribute(*, session: Session, actor: Actor, payer_id: int, amount, rule: str | None = None,
               reference: str = "", paid_on: date | None = None, source: str = "tui") -> DistributionRead:
    """Split `amount` paid by `payer_id` over the open invoices below it; returns the rows made."""
    require(actor, Permission.CUSTOMERS_BILLING)
    refuse_control("reference", reference)
    payer = get_party(session, payer_id)
    value = money("amount", amount, table_of(Payment).c.amount)
    config = config_from_file()
    chosen = config.rule_for(payer_id, rule)
    contracts = _contracts_below(session, actor, payer_id, config.structure)
    shares = allocate(_open_invoices(session, contracts), value, chosen)
    advance = value - sum((share for _invoice, share in shares), Decimal(0))
    distribution = PaymentDistribution(payer_party_id=payer_id, structure=config.structure, rule=chosen,
                                       amount=value, advance=advance, paid_on=paid_on or utcnow().date(),
                                       reference=reference.strip(), created_by=actor.login)
    session.add(distribution)
    session.flush()
    rows = [(contracts[invoice.contract], invoice.number, share) for invoice, share in shares]
    if advance > 0:
        rows.append((_advance_contract(payer_id, list(contracts.values())), "", advance))
    made = [_payment(session, actor, distribution, *row, source=source) for row in rows]
    history.record(session, entity="party", entity_id=payer_id, field="payment_distribution", old=None,
                   new=f"#{distribution.id} {value} {chosen}: {len({a.contract for a in made if a.invoice})} "
                       f"contracts, advance {advance}", by=actor.login, source=source)
    return DistributionRead(id=saved_id(distribution), payer_party_id=saved_id(payer), structure=config.structure,
                            rule=chosen, amount=value, advance=advance, currency=distribution.currency,
                            paid_on=distribution.paid_on, reference=distribution.reference, allocations=made)


def _contracts_below(session: Session, actor: Actor, payer_id: int, structure: str) -> dict[str, Contract]:
    """The active contracts of the payer and of everyone below it in `structure` today, by number."""
    below = [n.party_id for n in structures.subtree(session=session, actor=actor, structure=structure,
                                                    party_id=payer_id)]
    found = session.exec(select(Contract).where(col(Contract.payer_party_id).in_(below or [payer_id]),
                                                Contract.status == "active").order_by(col(Contract.number))).all()
    if not found:
        raise ValidationError("payer", _("customer {id} has no active contracts to pay for").format(id=payer_id))
    return {c.number: c for c in found}


def _open_invoices(session: Session, contracts: dict[str, Contract]) -> list[OpenInvoice]:
    placed = _placed(session, [saved_id(c) for c in contracts.values()])
    invoices, seen = [], set()
    for number, contract in contracts.items():
        account = _read(session, BillingKey(customer=str(contract.payer_party_id), contract=number))
        for invoice in account.invoices if account is not None else ():
            if (contract.payer_party_id, invoice.number) in seen:
                continue  # a billing that does not narrow to the contract lists a customer's invoices under each
            seen.add((contract.payer_party_id, invoice.number))
            paid = max(invoice.paid, placed.get((saved_id(contract), invoice.number), Decimal(0)))
            invoices.append(OpenInvoice(contract=number, number=invoice.number, due_on=invoice.due_on,
                                        issued_on=invoice.issued_on, open=max(invoice.amount - paid, Decimal(0))))
    return invoices


def _placed(session: Session, contract_ids: list[int]) -> dict[tuple[int, str], Decimal]:
    """What earlier distributions put on each invoice, by (contract id, invoice number)."""
    rows = session.exec(select(Payment.contract_id, Payment.invoice, func.sum(Payment.amount))
                        .where(col(Payment.contract_id).in_(contract_ids), col(Payment.distribution_id).is_not(None),
                               Payment.invoice != "").group_by(col(Payment.contract_id), col(Payment.invoice)))
    return {(contract_id, invoice): Decimal(total) for contract_id, invoice, total in rows}


def _read(session: Session, key: BillingKey) -> Account | None:
    """The contract's account in billing, waited for at most the billing timeout (a hung billing must not hold
    the payment: the caller is told to try again)."""
    # the configured adapter as the card's reads use it, but not its cache: money is split on what billing says now
    adapter, config = accounts.configured(session)
    future: Future = Future()

    def read() -> None:
        try:
            future.set_result(adapter.read(key))
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting caller
            future.set_exception(exc)

    threading.Thread(target=read, name="billing-split-read", daemon=True).start()
    try:
        return future.result(timeout=config.timeout_seconds)
    except FutureTimeout:
        raise Conflict(_("billing did not answer in time; the payment was not distributed")) from None
    except Exception as exc:  # noqa: BLE001 - whatever billing raises, the payment waits for it
        raise Conflict(_("billing is unavailable ({problem}); the payment was not distributed").format(
            problem=str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__)) from None


def _advance_contract(payer_id: int, contracts: list[Contract]) -> Contract:
    own = [c for c in contracts if c.payer_party_id == payer_id]
    return (own or contracts)[0]


def _payment(session: Session, actor: Actor, distribution: PaymentDistribution, contract: Contract, invoice: str,
             amount: Decimal, *, source: str) -> AllocationRead:
    payment = Payment(contract_id=saved_id(contract), amount=amount, currency=distribution.currency,
                      paid_on=distribution.paid_on, reference=distribution.reference or f"DIST-{distribution.id}",
                      created_by=actor.login, distribution_id=distribution.id, invoice=invoice)
    session.add(payment)
    session.flush()
    # like add_payment's "NUMBER AMOUNT", with the invoice (or "advance") and the distribution it came from
    history.record(session, entity="party", entity_id=contract.payer_party_id, field="payment", old=None,
                   new=f"{contract.number} {amount} {invoice or 'advance'} ← #{distribution.id}",
                   by=actor.login, source=source)
    return AllocationRead(contract=contract.number, invoice=invoice, amount=amount, payment_id=saved_id(payment))
