"""Two gaps of issue 28, item 5, on SQLite and PostgreSQL: the Register form's own rule flags (evaluated on the
agent's machine while they type) see `customer.balance|overdue|credit_limit|in_debt` as registration's check
does; and a caller no customer matches, whose number is blacklisted, is warned of in Register."""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

from helpers import act

from crmterm.services.billing import accounts
from crmterm.services.billing.adapters import Account, BillingKey, Invoice
from crmterm.services.billing.billing_demo import DEMO_FRAUD_NUMBER
from crmterm.services.inquiries import inquiries, registration_views
from crmterm.services.topics.attribute_forms import AttributeForm, rule_context
from crmterm.workflow import rules


class Owing:
    name = "owing"

    def read(self, key: BillingKey) -> Account:
        return Account(balance=Decimal("-750.00"), credit_limit=Decimal("1000.00"), invoices=(
            Invoice(number="I-1", issued_on=date(2026, 1, 1), due_on=date(2026, 1, 20), amount=Decimal("750.00")),))


class Down:
    name = "down"

    def read(self, key: BillingKey) -> Account:
        time.sleep(2)
        raise OSError("billing is down")


def test_the_register_forms_rules_see_the_customers_billing_figures(demo_url, people):
    with accounts.using(Owing()):
        activity = act(demo_url, inquiries.customer_activity, people["agent"], party_id=2)
    assert activity.billing == {"balance": -750.0, "overdue": 750.0, "credit_limit": 1000.0, "in_debt": True}
    # what the screen evaluates on every keystroke (register_contact.rule_context, widgets/attribute_form)
    form = AttributeForm(topic="complaint", path=["complaint"], inquiry_type="complaint", default_priority=None,
                         groups=[])
    context = rule_context(form, {}, customer={"id": 2, "category": activity.category, **activity.billing})
    assert rules.holds("customer.in_debt && customer.overdue > 500.0 && customer.balance < 0.0", context)
    assert rules.holds("customer.credit_limit == 1000.0", context)
    started = time.monotonic()
    with accounts.using(Down(), timeout_seconds=0.2):
        quiet = act(demo_url, inquiries.customer_activity, people["agent"], party_id=2)
    assert quiet.billing == {} and time.monotonic() - started < 1.5  # never waits on billing
    assert not rules.holds("customer.in_debt", rule_context(form, {}, customer={"id": 2, **quiet.billing}))


def test_an_anonymous_caller_with_a_blacklisted_number_is_warned_of(demo_url, people):
    agent = people["agent"]
    caller = act(demo_url, registration_views.find_caller, agent, query="8 916 555-12-34")
    assert caller.hits == [] and caller.flags and DEMO_FRAUD_NUMBER in caller.flags[0]
    assert "fraud" in caller.flags[0]
    assert act(demo_url, registration_views.find_caller, agent, query="Норд").flags == []
    assert act(demo_url, registration_views.find_caller, agent, query="NORD-001").flags == []
