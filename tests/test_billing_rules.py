"""Billing figures in rules (issue 28, item 2), on SQLite and PostgreSQL: `customer.balance`, `.overdue`,
`.credit_limit` and `.in_debt` in the context of a stored inquiry's rules (guards, queue choice, scripts), read
from billing only when a rule mentions them; while billing is down a rule reading them counts as false."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from helpers import register_disputed_charge
from test_billing import BrokenBilling

from crmterm.services.billing import accounts
from crmterm.services.billing.adapters import Account, BillingKey, Invoice
from crmterm.services.routing import routing
from crmterm.store import Inquiry
from crmterm.store.db import unit_of_work
from crmterm.workflow import rules


class OwingBilling:
    """Every customer owes 300 past due; counts how often billing is asked."""

    name = "owing"

    def __init__(self) -> None:
        self.calls = 0

    def read(self, key: BillingKey) -> Account:
        self.calls += 1
        past = date.today() - timedelta(days=40)
        return Account(balance=Decimal("-300.00"), credit_limit=Decimal("100.00"), invoices=(
            Invoice(number="I-1", issued_on=past, due_on=past + timedelta(days=20), amount=Decimal("300.00")),))


def test_a_rule_on_an_inquiry_reads_the_customers_debt_only_when_it_mentions_it(demo_url):
    inquiry_id = register_disputed_charge(demo_url)
    owing = OwingBilling()
    with accounts.using(owing), unit_of_work(demo_url) as session:
        context = routing.context_of(session, session.get(Inquiry, inquiry_id))
        assert rules.holds('inquiry.priority == "high"', context) and owing.calls == 0
        assert rules.holds("customer.in_debt && customer.overdue > 250.0 && customer.balance < 0.0", context)
        assert rules.holds("customer.overdue > customer.credit_limit", context)
        assert owing.calls == 1  # one read per context, however many fields


def test_while_billing_is_down_a_rule_on_the_debt_is_false_either_way(demo_url):
    inquiry_id = register_disputed_charge(demo_url)
    with accounts.using(BrokenBilling()), unit_of_work(demo_url) as session:
        context = routing.context_of(session, session.get(Inquiry, inquiry_id))
        assert not rules.holds("customer.in_debt", context) and not rules.holds("!customer.in_debt", context)
        assert rules.holds("customer.id > 0", context)
