"""Query lists (issue 31 item 1), on SQLite and PostgreSQL: admins define declarative list queries over a fixed
catalogue (no SQL from users), preview them with a sample customer and use them as an attribute's values; a
query that fails or runs out of time gives the form an error next to the field instead of blocking it."""

from __future__ import annotations

import json

import pytest
from helpers import ADMIN, AGENT, act
from sqlalchemy import text
from sqlmodel import col, select
from test_api_serve import cli_on

from crmterm.errors import Conflict, PermissionDenied, ValidationError
from crmterm.services.directory import directory
from crmterm.services.topics import attribute_checks, attribute_queries, list_queries
from crmterm.store import Contract, Party
from crmterm.store.db import unit_of_work

ACTIVE_NUMBERS = {"code": "active_numbers", "labels": {"en": "Active numbers"},
                  "entity": "subscribers", "value_field": "number", "label": "{number} · {service}",
                  "filters": [{"field": "customer_id", "op": "eq", "param": "customer_id"},
                              {"field": "status", "op": "in", "value": ["active"]}],
                  "order": "-number", "limit": 2}


def customer_with_subscribers(url: str) -> tuple[int, list[str]]:
    """The demo's Nord group (several numbers on one contract), and its numbers sorted."""
    with unit_of_work(url) as session:
        party = session.exec(select(Party.id).where(col(Party.display_name).contains("Норд"))).first()
        rows = attribute_queries.run(session, "customer_subscribers", {"customer_id": party})
    return party, [value for value, _label in rows]


def create(url: str, values: dict, actor=ADMIN):
    return act(url, directory.create_entry, actor, kind="list_queries", values=values)


def test_the_hard_coded_queries_are_configured_ones_under_their_old_names(demo_url):
    party, numbers = customer_with_subscribers(demo_url)
    with unit_of_work(demo_url) as session:
        contracts = attribute_queries.run(session, "customer_contracts", {"customer_id": party})
        persons = attribute_queries.run(session, "customer_contact_persons", {"customer_id": party})
        nobody = attribute_queries.run(session, "customer_contracts", {"customer_id": None})
        contract = session.exec(select(Contract.number).where(Contract.payer_party_id == party)).first()
    assert numbers == sorted(numbers) and len(numbers) >= 2
    assert contracts == [(contract, f"{contract} (active)")]
    assert persons and all(label and "()" not in label for _value, label in persons)
    assert nobody == []  # a customer's list is empty until the customer is chosen
    listed = act(demo_url, directory.list_entries, AGENT, kind="list_queries")
    assert {"customer_subscribers", "customer_contracts", "customer_contact_persons"} <= {e.key for e in listed}


REFUSED = [  # (what an admin changes, the field named in the refusal)
    ({"entity": "app_user"}, "entity"),
    ({"value_field": "password_hash"}, "value_field"),
    ({"filters": [{"field": "payer_party_id", "op": "eq", "value": 1}]}, "filters"),
    ({"filters": [{"field": "status", "op": "like", "value": "a%"}]}, "filters"),
    ({"filters": [{"field": "customer_id", "op": "eq", "param": "session_user"}]}, "filters"),
    ({"filters": [{"field": "customer_id", "op": "eq", "value": "1; DROP TABLE party"}]}, "filters"),
    ({"filters": [{"field": "id", "op": "contains", "value": "1"}]}, "filters"),
    ({"limit": 0}, "limit"),
    ({"label": "{number.__class__}"}, "label"),
    ({"label": "{secret}"}, "label"),
    ({"order": "number; DROP TABLE party"}, "order"),
    ({"limit": 100_000}, "limit"),
]


def test_names_outside_the_catalogue_are_refused_with_the_field(demo_url):
    named = []
    for change, _field in REFUSED:
        try:
            create(demo_url, {**ACTIVE_NUMBERS, **change})
        except ValidationError as refused:
            named.append(refused.field)
    assert named == [field for _change, field in REFUSED]


def test_an_admin_defines_a_query_previews_it_and_an_attribute_takes_its_values(demo_url, tmp_path):
    party, numbers = customer_with_subscribers(demo_url)
    create(demo_url, ACTIVE_NUMBERS)
    act(demo_url, directory.create_entry, ADMIN, kind="attributes", values={
        "code": "line", "labels": {"en": "Line"}, "topic": "billing", "type": "query", "query": "active_numbers"})
    shown = act(demo_url, list_queries.preview, ADMIN, code="active_numbers", customer_id=party)
    typed = act(demo_url, list_queries.preview, ADMIN, values={**ACTIVE_NUMBERS, "limit": 1}, customer_id=party)
    assert [value for value, _label in shown.rows] == sorted(numbers, reverse=True)[:2]
    assert shown.rows[0][1] == f"{shown.rows[0][0]} · mobile"
    assert len(typed.rows) == 1 and typed.code is None
    with unit_of_work(demo_url) as session:
        form = attribute_checks.preview(session=session, actor=AGENT, topic="disputed_charge", raw={},
                                        customer_id=party)
        wrong = attribute_checks.check_values(session=session, actor=AGENT, form=form.form,
                                              raw={"line": numbers[0]}, customer_id=party)
    assert form.choices["line"] == shown.rows and form.choice_errors == {}
    assert wrong.errors["line"] == f"'{numbers[0]}' is not in the list"  # the lowest number is past the limit
    cli = cli_on(demo_url, tmp_path)
    previewed = json.loads(cli("listquery", "preview", "active_numbers", "--customer", str(party), "--json").stdout)
    assert [row["value"] for row in previewed["rows"]] == [value for value, _label in shown.rows]
    assert cli("listquery", "preview", "nope").stderr == "error: list query 'nope' is not configured or not active\n"


def test_only_admins_configure_and_preview_and_a_used_query_is_not_deleted(demo_url):
    with pytest.raises(PermissionDenied):
        create(demo_url, ACTIVE_NUMBERS, actor=AGENT)
    with pytest.raises(PermissionDenied):
        act(demo_url, list_queries.preview, AGENT, code="customer_contracts", customer_id=1)
    with pytest.raises(Conflict, match="attribute 'affected_number'"):
        act(demo_url, directory.delete_entry, ADMIN, kind="list_queries", key="customer_subscribers",
            expected_version=None)
    with pytest.raises(ValidationError) as unknown:
        act(demo_url, directory.create_entry, ADMIN, kind="attributes", values={
            "code": "line", "labels": {"en": "Line"}, "topic": "billing", "type": "query", "query": "nope"})
    assert unknown.value.field == "query"


def many_numbers(url: str, party: int, count: int = 40_000) -> None:
    """Enough numbers on one contract that listing them all in order takes well over a millisecond."""
    with unit_of_work(url) as session:
        contract = session.exec(select(Contract.id).where(Contract.payer_party_id == party)).first()
        session.execute(text(
            "INSERT INTO subscriber (contract_id, number, number_rev, service, status, version, created_at, "
            "updated_at) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count) "
            "SELECT :contract, '+7999' || i, '0', 'mobile', 'active', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP "
            "FROM n"), {"count": count, "contract": contract})


def test_a_slow_query_is_cut_off_and_the_form_gets_an_error_next_to_the_field(demo_url, monkeypatch):
    party, _numbers = customer_with_subscribers(demo_url)
    many_numbers(demo_url, party)
    monkeypatch.setattr(attribute_queries, "list_query_ms", lambda: 1)
    with unit_of_work(demo_url) as session:
        form = attribute_checks.preview(session=session, actor=AGENT, topic="disputed_charge", raw={},
                                        customer_id=party)
        still_usable = session.exec(select(Party.display_name).where(Party.id == party)).one()
    assert form.choices["affected_number"] == []
    assert form.choice_errors["affected_number"] == "the list took longer than 1 ms; try again or ask an admin"
    assert form.choice_errors.keys() == {"affected_number"} and still_usable
    with pytest.raises(attribute_queries.ListQueryFailed, match="longer than 1 ms"):
        act(demo_url, list_queries.preview, ADMIN, code="customer_subscribers", customer_id=party, time_limit_ms=1)


def test_a_query_that_cannot_run_is_an_error_of_its_field(demo_url):
    party, _numbers = customer_with_subscribers(demo_url)
    entry = act(demo_url, directory.get_entry, ADMIN, kind="list_queries", key="customer_subscribers")
    act(demo_url, directory.set_active, ADMIN, kind="list_queries", key="customer_subscribers", active=False,
        expected_version=entry.version)
    with unit_of_work(demo_url) as session:
        form = attribute_checks.preview(session=session, actor=AGENT, topic="disputed_charge",
                                        raw={"affected_number": "+79161000001"}, customer_id=party)
    message = "list query 'customer_subscribers' is not configured or not active"
    assert form.choice_errors == {"affected_number": message}
    assert form.checked.errors["affected_number"] == message


def test_every_entity_of_the_catalogue_lists_every_field(demo_url):
    """Each entity compiles and runs with all its fields in the label, a filter and the order, on both backends."""
    from crmterm.services.topics.list_query_catalogue import ENTITIES

    party, _numbers = customer_with_subscribers(demo_url)
    found = {}
    for name, entity in ENTITIES.items():
        fields = list(entity.fields)
        values = {"code": f"every_{name}", "labels": {"en": name}, "entity": name, "value_field": "id",
                  "label": " ".join(f"{{{field}}}" for field in fields), "order": ", ".join(f"-{f}" for f in fields),
                  "filters": [{"field": "customer_id", "op": "eq", "param": "customer_id"},
                              {"field": "id", "op": "not_empty"}, {"field": "id", "op": "in", "value": [1, "2"]},
                              *([{"field": "created_at", "op": "lt", "value": "2999-01-01 00:00"}]
                                if "created_at" in fields else [])], "limit": 5}
        found[name] = act(demo_url, list_queries.preview, ADMIN, values=values, customer_id=party).rows
    assert found["subscribers"] and found["contracts"] and found["contact_persons"]
    assert all(isinstance(rows, list) for rows in found.values())
