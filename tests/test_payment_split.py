"""Payments through structures (issue 28, item 4), on SQLite and PostgreSQL: a payer's payment split over the
open invoices (read from billing) of the contracts below it in the billing structure — oldest first or in
proportion to debt, cents adding up exactly, never beyond what a contract owes, the rest kept as an advance on
the payer's first contract; each Payment row points at its distribution, and the card and history show it."""

from __future__ import annotations

import json
import threading
from datetime import date
from decimal import Decimal

import pytest
from helpers import act
from sqlmodel import select

from crmterm.errors import ConfigError, Conflict, PermissionDenied, ValidationError
from crmterm.services.accounts.permissions import SYSTEM
from crmterm.services.billing import accounts
from crmterm.services.billing.adapters import Account, BillingKey, Invoice
from crmterm.services.customers import contracts, customer_card, customers, payment_split, structures
from crmterm.services.customers.history import history
from crmterm.services.customers.payment_rules import parse_config
from crmterm.store import Contract, Payment, PaymentDistribution
from crmterm.store.db import unit_of_work


class Billing:
    """A billing system holding open invoices per contract number."""

    name = "test"

    def __init__(self, invoices: dict[str, list[Invoice]]) -> None:
        self.invoices = invoices

    def read(self, key: BillingKey) -> Account:
        return Account(balance=Decimal(0), invoices=tuple(self.invoices.get(key.contract or "", ())))


def _bill(number: str, month: int, amount: str) -> Invoice:
    return Invoice(number=number, issued_on=date(2026, month, 1), due_on=date(2026, month, 20),
                   amount=Decimal(amount))


def _group(url: str, children: int = 3) -> tuple[int, list[str]]:
    """A payer with one contract and `children` customers under it in the billing structure, one contract
    each; returns the payer and the contract numbers (the payer's first)."""
    with unit_of_work(url) as session:
        def party(name: str, parent: int | None) -> int:
            made = customers.create_party(session=session, actor=SYSTEM, values={"display_name": name,
                                                                                 "kind": "organisation"})
            structures.place(session=session, actor=SYSTEM, structure="billing", party_id=made.id,
                             parent_id=parent)
            contracts.add_contract(session=session, actor=SYSTEM, party_id=made.id, number=f"SPLIT-{name}")
            return made.id

        payer = party("P", None)
        for index in range(children):
            party(f"C{index + 1}", payer)
    return payer, ["SPLIT-P", *(f"SPLIT-C{i + 1}" for i in range(children))]


def test_proportional_shares_of_100_over_three_contracts_add_up_to_the_cent(demo_url, people):
    payer, (own, *three) = _group(demo_url)
    billing = Billing({number: [_bill(f"I-{number}", 3, "90.00")] for number in three})
    with accounts.using(billing):
        made = act(demo_url, payment_split.distribute, people["supervisor"], payer_id=payer, amount="100.00",
                   rule="proportional", reference="BANK-7")
    assert [(a.contract, a.invoice, a.amount) for a in made.allocations] == [
        (three[0], f"I-{three[0]}", Decimal("33.34")), (three[1], f"I-{three[1]}", Decimal("33.33")),
        (three[2], f"I-{three[2]}", Decimal("33.33"))]
    assert sum(a.amount for a in made.allocations) == Decimal("100.00") and made.advance == 0
    with unit_of_work(demo_url) as session:
        rows = session.exec(select(Payment).where(Payment.distribution_id == made.id)).all()
        assert sorted(r.amount for r in rows) == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
        assert {r.reference for r in rows} == {"BANK-7"}
        assert session.get(PaymentDistribution, made.id).rule == "proportional"
        child = session.exec(select(Contract.payer_party_id).where(Contract.number == three[0])).one()
    card = act(demo_url, customer_card.get_card, people["agent"], party_id=child)
    shown = [p for c in card.contracts for p in c.payments]
    assert [(p.distribution_id, p.invoice, p.amount) for p in shown] == [(made.id, f"I-{three[0]}",
                                                                          Decimal("33.34"))]


def test_oldest_first_never_beyond_a_debt_and_the_rest_is_an_advance(demo_url, people):
    payer, (own, first, second) = _group(demo_url, children=2)
    billing = Billing({first: [_bill("JAN", 1, "50.00")],
                       second: [_bill("MAR", 3, "40.00"), _bill("FEB", 2, "30.00")]})
    with accounts.using(billing):
        made = act(demo_url, payment_split.distribute, people["admin"], payer_id=payer, amount="100")
        assert made.rule == "oldest"
        assert [(a.invoice, a.amount) for a in made.allocations] == [
            ("JAN", Decimal("50.00")), ("FEB", Decimal("30.00")), ("MAR", Decimal("20.00"))]
        # billing has not heard of that payment yet: what the first distribution put on MAR is not owed again
        again = act(demo_url, payment_split.distribute, people["admin"], payer_id=payer, amount="100")
    assert [(a.contract, a.invoice, a.amount) for a in again.allocations] == [
        (second, "MAR", Decimal("20.00")), (own, "", Decimal("80.00"))]
    assert again.advance == Decimal("80.00")
    with unit_of_work(demo_url) as session:
        changes = [c.new for c in history(session, "party", payer) if c.field == "payment_distribution"]
        assert changes and f"#{again.id} 100.00 oldest" in changes[0] and "advance 80.00" in changes[0]
        logged = [c.new for c in history(session, "party", payer) if c.field == "payment"]
        assert f"{own} 80.00 advance ← #{again.id}" in logged


def test_only_billing_staff_distribute_and_a_silent_billing_writes_nothing(demo_url, people):
    payer, (_own, first, *_rest) = _group(demo_url, children=1)
    with accounts.using(Billing({first: [_bill("X", 1, "10.00")]})):
        with pytest.raises(PermissionDenied):
            act(demo_url, payment_split.distribute, people["agent"], payer_id=payer, amount="10")
        with pytest.raises(ValidationError):
            act(demo_url, payment_split.distribute, people["admin"], payer_id=payer, amount="-1")
        with pytest.raises(ValidationError):
            act(demo_url, payment_split.distribute, people["admin"], payer_id=payer, amount="1", rule="newest")
    hung = threading.Event()

    class Silent(Billing):
        def read(self, key: BillingKey) -> Account:
            hung.wait(5)
            return super().read(key)

    with accounts.using(Silent({}), timeout_seconds=0.1), pytest.raises(Conflict, match="in time"):
        act(demo_url, payment_split.distribute, people["admin"], payer_id=payer, amount="10")
    hung.set()
    with unit_of_work(demo_url) as session:
        assert session.exec(select(PaymentDistribution).where(PaymentDistribution.payer_party_id == payer)).all() == []


def test_the_rule_comes_from_the_command_then_the_payer_then_the_default():
    config = parse_config({"rule": "proportional", "payers": {"7": "oldest"}})
    assert (config.rule_for(7, None), config.rule_for(8, None), config.rule_for(7, "proportional")) == (
        "oldest", "proportional", "proportional")
    assert parse_config({}).rule_for(1, None) == "oldest" and parse_config({}).structure == "billing"
    with pytest.raises(ConfigError):
        parse_config({"payers": {"7": "newest"}})


def test_payment_distribute_prints_the_shares(demo_url, tmp_path):
    from conftest import owner_url
    from test_cli import app, runner

    payer, (_own, first) = _group(demo_url, children=1)
    with accounts.using(Billing({first: [_bill("ONE", 1, "25.50")]})):
        result = runner.invoke(app, ["--db", owner_url(demo_url), "payment", "distribute", str(payer),
                                     "--amount", "30", "--json"], env={"CRMTERM_HOME": str(tmp_path / "home")})
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert [(a["invoice"], a["amount"]) for a in shown["allocations"]] == [("ONE", "25.50"), ("", "4.50")]


def test_the_demo_shows_a_payment_split_over_the_nord_group(demo_url):
    with unit_of_work(demo_url) as session:
        made = session.exec(select(PaymentDistribution)).one()
        shares = session.exec(select(Payment.amount).where(Payment.distribution_id == made.id)).all()
    assert (made.amount, made.rule, made.advance) == (Decimal("3000.00"), "oldest", 0)
    assert sum(shares) == Decimal("3000.00") and len(shares) == 2


def test_an_invoice_listed_under_each_contract_of_a_customer_is_paid_once(demo_url, people):
    payer, (own,) = _group(demo_url, children=0)
    with unit_of_work(demo_url) as session:
        contracts.add_contract(session=session, actor=SYSTEM, party_id=payer, number="SPLIT-P2")

    class Unnarrowed(Billing):  # a billing whose queries ignore the contract
        def read(self, key: BillingKey) -> Account:
            return Account(balance=Decimal(0), invoices=(_bill("ONLY", 1, "60.00"),))

    with accounts.using(Unnarrowed({})):
        made = act(demo_url, payment_split.distribute, people["admin"], payer_id=payer, amount="100")
    assert [(a.contract, a.invoice, a.amount) for a in made.allocations] == [
        (own, "ONLY", Decimal("60.00")), (own, "", Decimal("40.00"))]
