"""Customers on both databases: search, structures over time, accounts, attributes, history, merge."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from crmterm.errors import Conflict, NotFound, PermissionDenied, ValidationError
from crmterm.services.customers import contracts, customer_card, customer_search, customers, structures
from crmterm.services.platform import synthetic
from crmterm.store.db import unit_of_work
from helpers import ADMIN, AGENT, AUDITOR, SUPERVISOR

YESTERDAY = date.today() - timedelta(days=1)


def _call(url, service, actor=ADMIN, **kwargs):
    with unit_of_work(url) as session:
        return service(session=session, actor=actor, **kwargs)


def _party(url, name, **values):
    return _call(url, customers.create_party, values={"display_name": name, **values}).id


def _search(url, query, **kwargs):
    return _call(url, customer_search.search, actor=AGENT, query=query, **kwargs)


@pytest.fixture
def people(demo_url):
    ids = {name: _party(demo_url, name, names={"en": en}) for name, en in [
        ("Ёлкина Мария", "Yolkina Maria"), ("Ёлкин Пётр", "Yolkin Pyotr"), ("Иванова Ёлкина Анна", "Ivanova A."),
        ("Müller Hans", "Müller Hans")]}
    accounts_id = _call(demo_url, contracts.add_contract, party_id=ids["Müller Hans"], number="k-777-01")
    assert accounts_id
    _call(demo_url, contracts.add_subscriber, contract="K-777-01", number="8 (916) 555-12-34")
    return demo_url, ids


def test_search_is_case_and_accent_insensitive_and_ranked(people):
    url, ids = people
    hits = _search(url, "ЕЛКИН")
    assert [h.id for h in hits][:2] == [ids["Ёлкин Пётр"], ids["Ёлкина Мария"]]  # prefix, by name
    assert hits[2].id == ids["Иванова Ёлкина Анна"] and hits[2].rank == 1  # a later word's start: after the name's
    assert _search(url, "ёлкин пётр")[0].rank == 0  # exact
    assert _search(url, "muller")[0].id == ids["Müller Hans"]
    assert _search(url, "yolkina")[0].id == ids["Ёлкина Мария"]  # another language's name


def test_search_by_phone_suffix_contract_and_id(people):
    url, ids = people
    assert {h.id for h in _search(url, "12-34")} >= {ids["Müller Hans"]}
    assert _search(url, "+7 916 555 12 34")[0].matched == "phone"
    assert _search(url, "K-777")[0].id == ids["Müller Hans"]
    assert _search(url, "k-777-01")[0].rank == 0
    assert _search(url, str(ids["Ёлкин Пётр"]))[0].id == ids["Ёлкин Пётр"]


def test_search_pages_by_cursor_without_repeats(demo_url):
    everyone = _search(demo_url, "ова", limit=500)
    pages, after = [], None
    while True:
        page = _search(demo_url, "ова", limit=7, after=after)
        if not page:
            break
        pages += [h.id for h in page]
        after = page[-1].cursor
    assert pages == [h.id for h in everyone] and len(set(pages)) == len(pages) > 7


def test_invalid_phone_is_refused_with_the_reason(demo_url):
    with pytest.raises(ValidationError) as caught:
        _party(demo_url, "Someone", phone="12")
    assert caught.value.field == "phone" and "12" in str(caught.value)


def test_party_in_two_structures_shows_both_paths_and_moves_keep_the_past(demo_url):
    a, b, c = (_party(demo_url, n, kind="organisation") for n in ("Alpha HQ", "Beta Billing", "Gamma Branch"))
    long_ago = date(2020, 1, 1)
    for parent, child, structure in ((None, a, "organisation"), (None, b, "billing"), (a, c, "organisation"),
                                     (b, c, "billing")):
        _call(demo_url, structures.place, structure=structure, party_id=child, parent_id=parent, on=long_ago)
    paths = {p.structure: [n.party_id for n in p.path]
             for p in _call(demo_url, customer_card.get_card, party_id=c).structures}
    assert paths == {"organisation": [a, c], "billing": [b, c]}
    _call(demo_url, structures.move, structure="organisation", party_id=c, parent_id=None)
    before = _call(demo_url, customer_card.get_card, party_id=c, as_of=YESTERDAY).structures
    now = _call(demo_url, customer_card.get_card, party_id=c).structures
    assert [n.party_id for n in before[1].path] == [a, c] and [n.party_id for n in now[1].path] == [c]


def test_cycles_and_unknown_structures_are_refused(demo_url):
    top, mid, low = (_party(demo_url, n) for n in ("Top", "Mid", "Low"))
    _call(demo_url, structures.place, structure="discount", party_id=top, parent_id=None)
    _call(demo_url, structures.place, structure="discount", party_id=mid, parent_id=top)
    _call(demo_url, structures.place, structure="discount", party_id=low, parent_id=mid)
    with pytest.raises(ValidationError, match="own descendant"):
        _call(demo_url, structures.move, structure="discount", party_id=top, parent_id=low)
    with pytest.raises(NotFound):
        _call(demo_url, structures.place, structure="astral", party_id=top, parent_id=None)
    deep = _call(demo_url, structures.subtree, structure="discount", party_id=top)
    assert [(n.party_id, n.depth) for n in deep] == [(top, 0), (mid, 1), (low, 2)]


def test_discounts_show_where_they_come_from(demo_url):
    card = _call(demo_url, customer_card.get_card, party_id=5)  # a Nord warehouse, 15 % from the group
    assert [(str(d.percent), d.applies_via) for d in card.discounts] == [
        ("15.00", "structure billing: Группа «Норд» (#1)")]


def test_attribute_values_are_date_effective_and_typed(demo_url):
    pid = _party(demo_url, "Attr Person")
    _call(demo_url, customer_card.set_attribute, party_id=pid, code="tariff", value="smart_s", on=date(2024, 1, 1))
    _call(demo_url, customer_card.set_attribute, party_id=pid, code="tariff", value="smart_xl")
    assert _call(demo_url, customer_card.get_card, party_id=pid, as_of=YESTERDAY).attributes == {"tariff": "smart_s"}
    assert _call(demo_url, customer_card.get_card, party_id=pid).attributes == {"tariff": "smart_xl"}
    for code, value in (("tariff", "gold"), ("credit_limit", "lots"), ("birthday", "31.02.1990")):
        with pytest.raises(ValidationError) as caught:
            _call(demo_url, customer_card.set_attribute, party_id=pid, code=code, value=value)
        assert caught.value.field == code


def test_edits_are_version_checked_and_tracked_fields_logged(demo_url):
    pid = _party(demo_url, "Versioned Person")
    _call(demo_url, customers.update_party, actor=AGENT, party_id=pid, values={"category": "vip"},
          expected_version=1)
    with pytest.raises(Conflict, match="Changed by agent"):
        _call(demo_url, customers.update_party, party_id=pid, values={"email": "x@y.example"}, expected_version=1)
    changes = _call(demo_url, customer_card.party_history, party_id=pid)
    assert [(c.field, c.old, c.new, c.by) for c in changes][:1] == [("category", None, "vip", "agent")]


def test_merge_keeps_both_histories_under_the_survivor(demo_url):
    keep, gone = _party(demo_url, "Keep Me"), _party(demo_url, "Merge Me")
    _call(demo_url, customers.update_party, party_id=gone, values={"email": "gone@x.example"}, expected_version=None)
    _call(demo_url, contracts.add_contract, party_id=gone, number="M-1")
    with pytest.raises(PermissionDenied):
        _call(demo_url, customers.merge, actor=AGENT, survivor_id=keep, merged_id=gone)
    _call(demo_url, customers.merge, actor=SUPERVISOR, survivor_id=keep, merged_id=gone)
    fields = [c.field for c in _call(demo_url, customer_card.party_history, party_id=keep)]
    assert {"merged", "email", "contract"} <= set(fields)
    assert [c.number for c in _call(demo_url, customer_card.get_card, party_id=keep).contracts] == ["M-1"]
    assert gone not in {h.id for h in _search(demo_url, "Merge Me")}


def test_auditors_read_but_do_not_write(demo_url):
    assert _call(demo_url, customer_card.get_card, actor=AUDITOR, party_id=1).party.id == 1
    with pytest.raises(PermissionDenied):
        _call(demo_url, customers.create_party, actor=AUDITOR, values={"display_name": "Nope"})


def test_synthetic_bulk_load_is_searchable(demo_url):
    db_url = demo_url
    counts = _call(db_url, synthetic.generate, customers=500, seed=7)
    assert counts.parties == 500 and counts.contracts > 300 and counts.subscribers > counts.contracts * 0.9
    assert _search(db_url, "ова", limit=5)
    new = _party(db_url, "After Bulk")  # ids continue after the explicitly numbered rows
    assert _search(db_url, "after bulk")[0].id == new


def test_payments_sit_on_a_contract_or_one_of_its_subscribers(demo_url):
    _call(demo_url, contracts.add_payment, contract="NORD-001", amount="1500.50", subscriber="+7 916 100-00-02")
    _call(demo_url, contracts.add_payment, contract="NORD-001", amount="99")
    contract = _call(demo_url, customer_card.get_card, party_id=1).contracts[0]
    assert [(str(p.amount), p.subscriber) for p in contract.payments] == [("99.00", None),
                                                                          ("1500.50", "+79161000002")]
    with pytest.raises(ValidationError) as caught:
        _call(demo_url, contracts.add_payment, contract="NORD-001", amount="5", subscriber="+7 999 000-00-00")
    assert caught.value.field == "subscriber"
    with pytest.raises(ValidationError):
        _call(demo_url, contracts.add_payment, contract="NORD-001", amount="-5")
    with pytest.raises(NotFound):
        _call(demo_url, contracts.add_payment, contract="NOPE-1", amount="5")


def test_a_number_in_national_format_finds_the_subscriber(db_url):
    """Agents type "8 916 …" as often as "+7 916 …": the trunk prefix must not hide the customer."""
    from crmterm.services.customers import contracts, customer_search, customers
    from crmterm.store.db import unit_of_work
    from helpers import AGENT

    with unit_of_work(db_url) as session:
        party = customers.create_party(session=session, actor=AGENT, values={"display_name": "Орлов Пётр"})
        contracts.add_contract(session=session, actor=AGENT, party_id=party.id, number="N-8")
        contracts.add_subscriber(session=session, actor=AGENT, contract="N-8", number="+79161234599")
    with unit_of_work(db_url) as session:
        for typed in ("8 916 123-45-99", "+7 (916) 123 45 99", "1234599"):
            hits = customer_search.search(session=session, actor=AGENT, query=typed)
            assert [(h.id, h.matched) for h in hits] == [(party.id, "phone")], typed
