"""Blacklists (issue 28, item 5), on SQLite and PostgreSQL: customers, phone numbers and documents flagged for
fraud or non-payment; only blacklist.write adds and lifts, both audited; the flags show in search results, on the
card and for a caller's number; a quote for a flagged customer needs a supervisor."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from helpers import act
from sqlmodel import select

from crmterm.errors import PermissionDenied, ValidationError
from crmterm.services.billing import blacklist
from crmterm.services.customers import customer_card, customer_search
from crmterm.services.sales import quote_states, quotes
from crmterm.store import AuditLog, Contract, Subscriber
from crmterm.store.db import unit_of_work


def _subscriber_of(url: str, contract: str = "C-00000017") -> tuple[int, str]:
    with unit_of_work(url) as session:
        return session.exec(select(Contract.payer_party_id, Subscriber.number)
                            .join(Subscriber, Subscriber.contract_id == Contract.id)
                            .where(Contract.number == contract)).first()


def test_only_blacklist_write_adds_and_lifts_and_both_are_audited(demo_url, people):
    party, _number = _subscriber_of(demo_url)
    with pytest.raises(PermissionDenied):
        act(demo_url, blacklist.add_entry, people["agent"], kind="customer", value=str(party), reason="fraud")
    entry = act(demo_url, blacklist.add_entry, people["supervisor"], kind="customer", value=str(party),
                reason="non_payment", note="three months", until=date.today() + timedelta(days=90))
    assert entry.in_force and entry.added_by == "supervisor" and entry.party_id == party
    assert [e.id for e in act(demo_url, blacklist.list_entries, people["agent"], party_id=party)] == [entry.id]
    with pytest.raises(PermissionDenied):
        act(demo_url, blacklist.lift_entry, people["agent"], entry_id=entry.id)
    lifted = act(demo_url, blacklist.lift_entry, people["admin"], entry_id=entry.id)
    assert not lifted.in_force and lifted.lifted_by == "admin"
    assert entry.id not in [e.id for e in act(demo_url, blacklist.list_entries, people["agent"])]
    assert entry.id in [e.id for e in act(demo_url, blacklist.list_entries, people["agent"], include_lifted=True)]
    with unit_of_work(demo_url) as session:
        actions = session.exec(select(AuditLog.action, AuditLog.actor).where(AuditLog.entity == "blacklist",
                                                                             AuditLog.source != "seed")
                               .order_by(AuditLog.id)).all()
    assert [tuple(a) for a in actions] == [("blacklist.add", "supervisor"), ("blacklist.lift", "admin")]


def test_entries_are_checked_and_stored_normalised(demo_url, people):
    boss = people["supervisor"]
    with pytest.raises(ValidationError):
        act(demo_url, blacklist.add_entry, boss, kind="phone", value="not a number", reason="fraud")
    with pytest.raises(ValidationError):
        act(demo_url, blacklist.add_entry, boss, kind="customer", value="1", reason="rude")
    with pytest.raises(ValidationError):
        act(demo_url, blacklist.add_entry, boss, kind="document", value="X", reason="fraud", until=date.today())
    phone = act(demo_url, blacklist.add_entry, boss, kind="phone", value="8 (916) 555-77-88", reason="fraud")
    document = act(demo_url, blacklist.add_entry, boss, kind="document", value="45 01 123456", reason="fraud")
    assert (phone.value, document.value) == ("+79165557788", "4501123456")
    flags = act(demo_url, blacklist.check, people["agent"], phone="+7 916 555 77 88", document="4501 123456")
    assert sorted((f.kind, f.value) for f in flags) == [("document", "4501123456"), ("phone", "+79165557788")]


def test_a_flagged_number_warns_in_search_results_and_on_the_card(demo_url, people):
    party, number = _subscriber_of(demo_url)
    act(demo_url, blacklist.add_entry, people["supervisor"], kind="phone", value=number, reason="fraud")
    hits = act(demo_url, customer_search.search, people["agent"], query="C-00000017")
    assert hits[0].id == party and hits[0].blacklisted == "fraud"
    card = act(demo_url, customer_card.get_card, people["agent"], party_id=party)
    assert card.blacklist == [f"blacklisted (phone number {number}): fraud"]
    others = act(demo_url, customer_search.search, people["agent"], query="C-00000016")
    assert others and all(hit.blacklisted is None for hit in others)


def test_a_quote_for_a_blacklisted_customer_needs_a_supervisor(demo_url, people):
    with unit_of_work(demo_url) as session:
        party = session.exec(select(Contract.payer_party_id).where(Contract.number == "NORD-003")).one()
    draft = act(demo_url, quotes.create_quote, people["agent"], party_id=party).id
    act(demo_url, quotes.add_item, people["agent"], quote_id=draft, product="office_pack")
    act(demo_url, blacklist.add_entry, people["supervisor"], kind="customer", value=str(party), reason="fraud")
    with pytest.raises(PermissionDenied, match="blacklisted"):
        act(demo_url, quotes.create_quote, people["agent"], party_id=party)
    with pytest.raises(PermissionDenied, match="blacklisted"):
        act(demo_url, quote_states.send_quote, people["agent"], quote_id=draft, mail=False)
    assert act(demo_url, quotes.create_quote, people["supervisor"], party_id=party).party_id == party


def test_the_demo_flags_a_debtor_and_a_fraudsters_number(demo_url, people):
    from crmterm.services.billing import billing_demo

    flags = act(demo_url, blacklist.check, people["agent"], phone=billing_demo.DEMO_FRAUD_NUMBER)
    assert [(f.kind, f.reason) for f in flags] == [("phone", "fraud")]
    hits = act(demo_url, customer_search.search, people["agent"], query=billing_demo.DEMO_DEBTOR)
    assert [hit.blacklisted for hit in hits] == ["non_payment"]
    assert act(demo_url, billing_demo.seed_demo_blacklist, people["admin"]) == 0  # once
