"""Values the database must never hold (issue 20 items 8-10), on both databases: money and decimals that no
column holds the same way on SQLite and PostgreSQL, texts longer than their column, JSON values of the wrong
type. Each is refused by the services with the field's name; nothing is written."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import yaml
from pydantic import ValidationError as SchemaError
from sqlalchemy import Integer, String, func
from sqlmodel import SQLModel, col, select

from crmterm.errors import ConfigError, ValidationError
from crmterm.services.customers import contracts, customer_card, customer_import, customers
from crmterm.services.directory import config_io
from crmterm.services.inquiries import inquiries, registration
from crmterm.store.column_limits import check_value, column_type
from crmterm.services.inquiries.registration import ContactDraft
from crmterm.settings import text_max_chars
from crmterm.store import Contact, Contract, Discount, InquiryEvent, Note, Party, Payment, load_all
from crmterm.store.db import unit_of_work
from helpers import ADMIN

DISPUTE = {"amount": "10", "charge_date": "2026-01-05", "dispute_reason": "double_charge"}


def _call(url, service, **kwargs):
    with unit_of_work(url) as session:
        return service(session=session, actor=ADMIN, **kwargs)


def _count(url, model) -> int:
    with unit_of_work(url) as session:
        return session.exec(select(func.count()).select_from(model)).one()


@pytest.fixture
def contract(demo_url):
    party = _call(demo_url, customers.create_party, values={"display_name": "Payer"}).id
    _call(demo_url, contracts.add_contract, party_id=party, number="H4-1")
    return demo_url, party


# --- item 8: money and decimals --------------------------------------------------------------------------

@pytest.mark.parametrize(("amount", "why"), [
    ("1e309", "digits before"), ("Infinity", "expected a number"), (float("inf"), "expected a number"),
    ("NaN", "expected a number"), ("sNaN", "expected a number"), ("9" * 5000, "too many digits"),
    ("1" * 15, "at most 10 digits"), ("-500", "above 0"), ("0", "above 0"), ("1E+999999", "digits before"),
    ("10.005", "at most 2 decimal places"), (True, "expected a number"), (["10"], "expected a number")])
def test_payment_amounts_no_column_holds_are_refused(contract, amount, why):
    url, _party = contract
    with pytest.raises(ValidationError) as caught:
        _call(url, contracts.add_payment, contract="H4-1", amount=amount)
    assert caught.value.field == "amount" and why in caught.value.detail
    assert _payments(url) == []


def test_payment_amounts_as_people_type_them_are_stored_exactly(contract):
    url, _party = contract
    for typed in ("1 000,50", "9999999999.99", 0.1):
        _call(url, contracts.add_payment, contract="H4-1", amount=typed)
    assert _payments(url) == [Decimal("0.10"), Decimal("1000.50"), Decimal("9999999999.99")]


def _payments(url: str) -> list[Decimal]:
    """The amounts paid on the test's contract (the demo has payments of its own elsewhere)."""
    with unit_of_work(url) as session:
        return sorted(session.exec(select(Payment.amount).join(Contract, col(Contract.id) == col(Payment.contract_id))
                                   .where(Contract.number == "H4-1")).all())


@pytest.mark.parametrize("percent", ["NaN", "Infinity", "100.01", "1e3", "0", "-5", "12.345", "9" * 400])
def test_discount_percentages_outside_the_column_or_range_are_refused(contract, percent):
    url, party = contract
    before = _count(url, Discount)
    with pytest.raises(ValidationError) as caught:
        _call(url, contracts.add_discount, party_id=party, percent=percent)
    assert caught.value.field == "percent"
    assert _count(url, Discount) == before


@pytest.mark.parametrize("amount", ["-500", "1E+999999", "NaN", "1e14", "1.00001", "-0.01"])
def test_decimal_attributes_of_an_inquiry_are_amounts_within_range(demo_url, amount):
    before = _count(demo_url, Contact)
    draft = ContactDraft.model_validate({"inquiries": [{"topic": "disputed_charge",
                                                        "values": {**DISPUTE, "amount": amount}}]})
    with pytest.raises(ValidationError) as caught:
        _call(demo_url, registration.register, draft=draft)
    assert caught.value.field == "amount"
    assert _count(demo_url, Contact) == before


def test_a_customers_decimal_attribute_refuses_nan(contract):
    url, party = contract
    with pytest.raises(ValidationError) as caught:
        _call(url, customer_card.set_attribute, party_id=party, code="credit_limit", value="NaN")
    assert caught.value.field == "credit_limit"
    _call(url, customer_card.set_attribute, party_id=party, code="credit_limit", value="1500.50")


# --- item 9: lengths the schema declares --------------------------------------------------------------------

def test_a_contract_number_longer_than_its_column_is_refused(contract):
    url, party = contract
    before = _count(url, Contract)
    with pytest.raises(ValidationError) as caught:
        _call(url, contracts.add_contract, party_id=party, number="N" * 100_000)
    assert caught.value.field == "number" and "64" in caught.value.detail
    assert _count(url, Contract) == before


def test_a_contact_text_longer_than_its_column_is_refused(demo_url):
    before = _count(demo_url, Contact)
    draft = ContactDraft.model_validate({"text": "x" * 10_000_000, "inquiries": [{"topic": "disputed_charge",
                                                                                    "values": DISPUTE}]})
    with pytest.raises(ValidationError) as caught:
        _call(demo_url, registration.register, draft=draft)
    assert caught.value.field == "text" and "4000" in str(caught.value)
    assert _count(demo_url, Contact) == before


def test_a_comment_longer_than_the_log_column_is_refused(demo_url):
    """The inquiry log is written with a bulk INSERT (no flush hook), so its rows are checked by hand."""
    draft = ContactDraft.model_validate({"inquiries": [{"topic": "disputed_charge", "values": DISPUTE}]})
    inquiry_id = _call(demo_url, registration.register, draft=draft).inquiry_ids[0]
    before = _count(demo_url, InquiryEvent)
    with pytest.raises(ValidationError) as caught:
        _call(demo_url, inquiries.comment, inquiry_id=inquiry_id, text="y" * 4001)
    assert caught.value.field == "text" and "4000" in str(caught.value)
    assert _count(demo_url, InquiryEvent) == before


def test_a_text_without_a_declared_length_is_bounded_by_the_setting(contract, monkeypatch):
    url, party = contract
    monkeypatch.setenv("CRMTERM_TEXT_MAX_CHARS", "1000")
    text_max_chars.cache_clear()
    try:
        with pytest.raises(ValidationError) as caught:
            _call(url, contracts.add_note, entity="party", entity_id=party, text="y" * 1001)
        assert caught.value.field == "text" and "1000" in caught.value.detail
        _call(url, contracts.add_note, entity="party", entity_id=party, text="y" * 1000)
    finally:
        text_max_chars.cache_clear()
    with unit_of_work(url) as session:
        assert session.exec(select(func.count()).where(Note.entity_id == party)).one() == 1


def test_an_imported_name_beyond_its_column_is_that_lines_error(demo_url, tmp_path):
    path = tmp_path / "people.jsonl"
    path.write_text(json.dumps({"type": "party", "name": "Ann", "email": "a@" + "b" * 300 + ".ru"}) + "\n"
                    + json.dumps({"type": "party", "name": "Bob"}) + "\n", encoding="utf-8")
    report = _call(demo_url, customer_import.import_file, path=path)
    assert report.created == {"party": 1} and len(report.errors) == 1 and report.errors[0][0] == 1


def test_every_declared_length_and_integer_range_is_checked():
    """No hand list: every VARCHAR(n) and INTEGER column of the schema refuses what PostgreSQL would."""
    checked = 0
    load_all()  # every table on SQLModel.metadata (models load on first use)
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            kind = column_type(column)
            if isinstance(kind, String) and kind.length:
                check_value(column, "é" * kind.length)
                with pytest.raises(ValidationError, match=column.key):
                    check_value(column, "é" * (kind.length + 1))
                checked += 1
            elif type(kind) is Integer:
                check_value(column, 2**31 - 1)
                with pytest.raises(ValidationError, match=column.key):
                    check_value(column, 2**31)
    assert checked > 100


# --- item 10: JSON types --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("record", "field"), [
    ({"type": "party", "name": ["a"]}, "display_name"), ({"type": "party", "name": {"en": "a"}}, "display_name"),
    ({"type": "party", "name": "a", "lead": [1]}, "is_lead"), ({"type": "party", "name": "a", "email": 5}, "email"),
    ({"type": "party", "name": "a", "name_ru": ["б"]}, "names"), ({"type": "party", "name": True}, "display_name"),
    ({"type": "contract", "number": ["K-1"], "party": "#1"}, "number"),
    ({"type": "contact_person", "name": "Ann", "party": True}, "party")])
def test_import_refuses_wrong_json_types(demo_url, tmp_path, record, field):
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    report = _call(demo_url, customer_import.import_file, path=path)
    assert not any(report.created.values()) and len(report.errors) == 1
    assert report.errors[0][1].startswith(f"{field}: ")
    with unit_of_work(demo_url) as session:
        assert session.exec(select(Party).where(Party.display_name.in_(["['a']", "True"]))).first() is None


@pytest.mark.parametrize("document", [{"customer": True}, {"customer": "1"}, {"contact_person": False},
                                      {"inquiries": [{"parent": True}]}, {"inquiries": [{"close": "yes"}]}])
def test_a_contact_document_refuses_wrong_json_types(document):
    with pytest.raises(SchemaError):
        ContactDraft.model_validate(document)


@pytest.mark.parametrize("value", [["10"], {"v": 10}, True])
def test_inquiry_values_refuse_wrong_json_types(demo_url, value):
    before = _count(demo_url, Contact)
    draft = ContactDraft.model_validate({"inquiries": [{"topic": "disputed_charge",
                                                        "values": {**DISPUTE, "amount": value}}]})
    with pytest.raises(ValidationError) as caught:
        _call(demo_url, registration.register, draft=draft)
    assert caught.value.field == "amount"
    assert _count(demo_url, Contact) == before


@pytest.mark.parametrize("labels", [{"en": ["VIP"]}, {"en": {"x": 1}}, {"en": True}])
def test_config_import_refuses_wrong_yaml_types(demo_url, tmp_path, labels):
    with unit_of_work(demo_url) as session:
        config_io.write_export(session=session, actor=ADMIN, path=tmp_path / "a.yaml")
    document = yaml.safe_load((tmp_path / "a.yaml").read_text(encoding="utf-8"))
    document["client_categories"][0]["labels"] = labels
    (tmp_path / "b.yaml").write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match="labels"):
        _call(demo_url, config_io.import_file, path=tmp_path / "b.yaml")
