"""Customer search answers a keystroke with two statements (issue 23 item 2): every source one branch of a
single UNION ALL, then one query for what the list shows; a source cut short by its LIMIT reads on. And what
every write path changes is what the next keystroke finds. On both databases."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import event

from crmterm.services.customers import contracts, customer_import, customer_search, customers, erasure
from crmterm.store.db import unit_of_work
from helpers import ADMIN, AGENT


def _call(url, service, actor=ADMIN, **kwargs):
    with unit_of_work(url) as session:
        return service(session=session, actor=actor, **kwargs)


def _ids(url, query, **kwargs) -> list[int]:
    return [hit.id for hit in _call(url, customer_search.search, actor=AGENT, query=query, **kwargs)]


def _customer(url, name, contract, number) -> int:
    party = _call(url, customers.create_party, values={"display_name": name}).id
    _call(url, contracts.add_contract, party_id=party, number=contract)
    _call(url, contracts.add_subscriber, contract=contract, number=number)
    return party


@pytest.mark.parametrize("query", ["Ива", "Иванов Пётр", "Пё", "K-4", "K-401", "401001", "+7 916 440-10-01", "1"])
def test_a_keystroke_runs_two_statements(demo_url, query):
    _customer(demo_url, "Иванов Пётр", "K-401", "+79164401001")
    statements: list[str] = []
    with unit_of_work(demo_url) as session:
        engine = session.get_bind()
        record = lambda *args: statements.append(args[2])  # noqa: E731  (conn, cursor, statement, …)
        event.listen(engine, "before_cursor_execute", record)
        try:
            hits = customer_search.search(session=session, actor=AGENT, query=query, limit=50)
        finally:
            event.remove(engine, "before_cursor_execute", record)
    reads = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]  # not BEGIN, PRAGMA, SET
    assert hits and len(reads) <= 2, reads


def test_a_party_matching_many_times_does_not_hide_the_others(demo_url):
    """Twenty numbers of one customer fill the phone branch past its LIMIT: the search reads on and the pages
    still hold every customer once."""
    many = _customer(demo_url, "Многономерная Мария", "K-500", "+79160000555")  # reversed: 5550000…
    for n in range(1, 20):
        _call(demo_url, contracts.add_subscriber, contract="K-500", number=f"+7916{n:03}0555")
    others = {_customer(demo_url, f"Другой {n}", f"K-50{n}", f"+791{n}9990555") for n in (7, 8, 9)}  # 5550999…
    seen: list[int] = []
    after = None
    while True:
        page = _call(demo_url, customer_search.search, actor=AGENT, query="0555", limit=2, after=after)
        seen += [hit.id for hit in page]
        if len(page) < 2:
            break
        after = page[-1].cursor
    assert sorted(seen) == sorted({many} | others)


def test_created_and_edited_names_are_found_and_the_old_name_is_not(demo_url):
    party = _call(demo_url, customers.create_party, values={"display_name": "Зябликова Ольга"}).id
    assert party in _ids(demo_url, "зяблик") and party in _ids(demo_url, "ябли")
    _call(demo_url, customers.update_party, party_id=party, values={"display_name": "Щеглова Ольга"},
          expected_version=None)
    assert party in _ids(demo_url, "щегл") and party not in _ids(demo_url, "зяблик")


def test_added_contracts_and_numbers_are_found(demo_url):
    party = _call(demo_url, customers.create_party, values={"display_name": "Клёст Кира"}).id
    assert party not in _ids(demo_url, "K-777")
    _call(demo_url, contracts.add_contract, party_id=party, number="K-777")
    _call(demo_url, contracts.add_subscriber, contract="K-777", number="+79167770777")
    assert _ids(demo_url, "K-777")[0] == party and _ids(demo_url, "7770777")[0] == party


def test_a_merged_customer_is_not_found_and_its_numbers_lead_to_the_survivor(demo_url):
    survivor = _customer(demo_url, "Снегирёв Семён", "K-801", "+79168010801")
    merged = _customer(demo_url, "Снегирев Сеня", "K-802", "+79168020802")
    _call(demo_url, customers.merge, survivor_id=survivor, merged_id=merged)
    assert merged not in _ids(demo_url, "снегирев") and survivor in _ids(demo_url, "снегирев")
    assert _ids(demo_url, "8020802") == [survivor] and _ids(demo_url, "K-802") == [survivor]


def test_an_erased_customer_is_found_by_nothing_it_had(demo_url):
    party = _customer(demo_url, "Свиристелева Софья", "K-901", "+79169010901")
    _call(demo_url, erasure.erase_customer, party_id=party)
    for query in ("свиристел", "ристе", "9010901", "+7 916 901-09-01"):
        assert party not in _ids(demo_url, query), query


def test_imported_customers_are_found(demo_url, tmp_path):
    path = tmp_path / "import.jsonl"
    records = [{"type": "party", "ref": "o", "name": "Иволгина Ирина"},
               {"type": "contract", "party": "o", "number": "K-1001"},
               {"type": "subscriber", "contract": "K-1001", "number": "+7 916 100-10-01"}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    _call(demo_url, customer_import.import_file, path=path)
    party = _ids(demo_url, "иволгин")[0]
    assert _ids(demo_url, "K-1001") == [party] and _ids(demo_url, "1001001") == [party]
    assert party in _ids(demo_url, "олги")
