"""Search as agents type it (issue 19 item 9): two letters of any word of a name, numbers that never match
names, namesakes told apart by phone, contract and region, and a hit found by phone bringing its subscriber.
On both databases."""

from __future__ import annotations

import json

import pytest

from crmterm.services.customers import contracts, customer_card, customer_search, customers
from crmterm.services.inquiries import registration_views
from crmterm.store.db import unit_of_work
from helpers import ADMIN, AGENT
from test_cli import cli_on


def _call(url, service, actor=ADMIN, **kwargs):
    with unit_of_work(url) as session:
        return service(session=session, actor=actor, **kwargs)


def _search(url, query, **kwargs):
    return _call(url, customer_search.search, actor=AGENT, query=query, **kwargs)


@pytest.fixture
def namesakes(demo_url):
    """Two Ivanovs of the same name with a contract and a number each, one in Moscow; an Ovchinnikov; and a
    customer whose e-mail holds the digits searched for."""
    ids = {}
    for key, name, contract, number in [("moscow", "Иванов Пётр", "K-100", "+79161110001"),
                                        ("other", "Иванов Пётр", "K-200", "+79162220002"),
                                        ("ov", "Анна Овчинникова", "K-300", "+79163330003")]:
        ids[key] = _call(demo_url, customers.create_party, values={"display_name": name}).id
        _call(demo_url, contracts.add_contract, party_id=ids[key], number=contract)
        _call(demo_url, contracts.add_subscriber, contract=contract, number=number)
    _call(demo_url, customer_card.set_attribute, party_id=ids["moscow"], code="region", value="msk")
    ids["mail"] = _call(demo_url, customers.create_party, values={"display_name": "Сидоров 222",
                                                                  "email": "sid2220002@example.com"}).id
    return demo_url, ids


def test_two_letters_find_the_start_of_any_word_of_a_name(namesakes):
    url, ids = namesakes
    assert {h.id for h in _search(url, "Ив")} >= {ids["moscow"], ids["other"]}
    found = _search(url, "ов")  # the second word of "Анна Овчинникова"
    assert ids["ov"] in [h.id for h in found] and all(h.rank == 1 for h in found if h.id == ids["ov"])
    assert ids["moscow"] not in {h.id for h in found}  # "Иванов" ends with "ов": not a word start


def test_a_number_matches_phones_and_contracts_never_names(namesakes):
    url, ids = namesakes
    found = _search(url, "2220002")
    assert [h.id for h in found] == [ids["other"]] and found[0].matched == "phone"
    assert ids["mail"] not in {h.id for h in _search(url, "222")}  # digits in a name or e-mail are no match
    assert _search(url, "Сидоров 222")[0].id == ids["mail"]  # with letters it is a name again


def test_namesakes_are_told_apart_by_phone_contract_and_region(namesakes):
    url, ids = namesakes
    hits = {h.id: h for h in _search(url, "Иванов Пётр")}
    moscow, other = hits[ids["moscow"]], hits[ids["other"]]
    assert (moscow.phone, moscow.contract, moscow.region) == ("+79161110001", "K-100", "Moscow")
    assert (other.phone, other.contract, other.region) == ("+79162220002", "K-200", None)
    assert customer_search.hit_details(moscow) == "  · +79161110001  · K-100  · Moscow"


def test_a_hit_found_by_phone_brings_its_subscriber(namesakes):
    url, ids = namesakes
    hits = _search(url, "330003")
    assert hits[0].id == ids["ov"] and hits[0].subscriber == "+79163330003"
    caller = _call(url, registration_views.find_caller, actor=AGENT, query="330003")
    assert caller.subscriber == "+79163330003"
    assert _search(url, "Иванов")[0].subscriber is None


def test_the_cli_lists_what_tells_namesakes_apart(namesakes, tmp_path):
    url, ids = namesakes
    cli = cli_on(url, tmp_path / "home")
    listed = cli("customer", "search", "Иванов Пётр", "--json")
    assert listed.exit_code == 0, listed.output
    assert {(h["contract"], h["phone"]) for h in json.loads(listed.stdout)} == {("K-100", "+79161110001"),
                                                                             ("K-200", "+79162220002")}
    assert "K-100" in cli("customer", "search", "Иванов Пётр").stdout
