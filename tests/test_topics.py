"""Topic tree, attribute definitions, effective attribute sets and templates on both databases."""

from __future__ import annotations

import pytest

from crmterm.errors import Conflict, ValidationError
from crmterm.services.topics import attribute_checks, attribute_forms, topics
from crmterm.services.directory import directory
from crmterm.store.db import unit_of_work
from helpers import ADMIN, AGENT


def _form(url, topic, actor=AGENT):
    with unit_of_work(url) as session:
        return attribute_forms.effective_attributes(session=session, actor=actor, topic=topic)


def _check(url, topic, raw, **kwargs):
    with unit_of_work(url) as session:
        form = attribute_forms.effective_attributes(session=session, actor=AGENT, topic=topic)
        return attribute_checks.check_values(session=session, actor=AGENT, form=form, raw=raw, **kwargs)


def _create(url, kind, values):
    with unit_of_work(url) as session:
        return directory.create_entry(session=session, actor=ADMIN, kind=kind, values=values)


def test_demo_tree_has_numeric_paths_and_finds_topics_by_them(demo_url):
    with unit_of_work(demo_url) as session:
        tree = topics.topic_tree(session=session, actor=AGENT)
        by_code = {n.code: n for n in tree}
        assert len(tree) >= 40 and by_code["no_data"].short_path == "3.1.1"
        assert topics.find_by_path(session=session, actor=AGENT, short_path="3.1.1").code == "no_data"
        assert topics.find_by_path(session=session, actor=AGENT, short_path="311").code == "no_data"
        assert topics.find_by_path(session=session, actor=AGENT, short_path="1.2").code == "disputed_charge"


def test_disputed_charge_inherits_billing_attributes_with_overrides(demo_url):
    form = _form(demo_url, "disputed_charge")
    amount = form.field("amount")
    assert amount.defined_on == "billing" and amount.overridden_on == ("disputed_charge",)
    assert amount.mandatory == "true"  # optional on Billing, mandatory here by override
    assert form.field("affected_number").type == "query"
    assert form.path == ["billing", "disputed_charge"] and form.inquiry_type == "complaint"
    assert form.default_priority == "high"
    assert _form(demo_url, "balance_inquiry").field("amount").hidden == "true"


def test_mandatory_by_rule_flips_with_the_amount(demo_url):
    base = {"amount": "500", "dispute_reason": "double_charge", "charge_date": "2026-11-01"}
    assert _check(demo_url, "disputed_charge", base).errors == {}
    checked = _check(demo_url, "disputed_charge", {**base, "amount": "1500"})
    assert checked.errors == {"approval_reference": "required"}
    assert _check(demo_url, "disputed_charge", {**base, "amount": "1500", "approval_reference": "A-7"}).errors == {}


def test_values_are_typed_and_bad_ones_named(demo_url):
    checked = _check(demo_url, "disputed_charge", {"amount": "12,50", "dispute_reason": "nope",
                                                    "charge_date": "31.02.2026", "billing_month": "2026-13",
                                                    "colour": "red"})
    assert set(checked.errors) == {"dispute_reason", "charge_date", "billing_month", "colour"}
    assert str(checked.values["amount"]) == "12.50"


def test_query_attributes_list_the_customers_own_rows(demo_url):
    with unit_of_work(demo_url) as session:
        from sqlmodel import select

        from crmterm.store import Contract, Subscriber
        party_id, number = session.exec(select(Contract.payer_party_id, Subscriber.number).join(Subscriber)).first()
        form = attribute_forms.effective_attributes(session=session, actor=AGENT, topic="refund")
        choices = attribute_checks.options(session=session, actor=AGENT, form=form, customer_id=party_id)
    assert number in {code for code, _label in choices["affected_number"]}
    assert "bank" in {code for code, _label in choices["refund_method"]}
    ok = _check(demo_url, "refund", {"affected_number": number}, customer_id=party_id, fill_defaults=True)
    assert ok.errors == {} and ok.values["refund_method"] == "balance"
    assert "affected_number" in _check(demo_url, "refund", {"affected_number": number}).errors


def test_hidden_by_rule_is_never_mandatory(demo_url):
    checked = _check(demo_url, "refund", {"refund_method": "balance"})
    assert checked.flags["bank_account"].hidden and not checked.flags["bank_account"].mandatory
    checked = _check(demo_url, "refund", {"refund_method": "bank"})
    assert checked.errors == {"bank_account": "required"}


def test_attribute_with_bad_rule_is_refused_with_the_column(demo_url):
    values = {"code": "bonus", "labels": "Bonus", "topic": "billing", "type": "decimal",
              "mandatory": "inquiry.attrs.amount >> 1"}
    with pytest.raises(ValidationError, match="column 23") as caught:
        _create(demo_url, "attributes", values)
    assert caught.value.field == "mandatory"
    with pytest.raises(ValidationError, match="unknown attribute 'amont'"):
        _create(demo_url, "attributes", {**values, "mandatory": "inquiry.attrs.amont > 1"})


def test_type_cannot_change_and_overrides_must_be_below(demo_url):
    with unit_of_work(demo_url) as session:
        with pytest.raises(ValidationError, match="cannot change"):
            directory.update_entry(session=session, actor=ADMIN, kind="attributes", key="amount",
                                   values={"type": "integer"}, expected_version=None)
        with pytest.raises(ValidationError, match="not below"):
            directory.update_entry(session=session, actor=ADMIN, kind="attributes", key="amount",
                                   values={"overrides": {"no_data": {"mandatory": True}}}, expected_version=None)
    with pytest.raises(ValidationError, match="only default"):
        _create(demo_url, "attributes", {"code": "z", "labels": "Z", "topic": "billing",
                                         "overrides": {"refund": {"type": "bool"}}})


def test_an_entry_another_area_names_cannot_be_deleted_until_that_entry_goes(demo_url):
    """Areas without their own in_use check (e-mail intake rules, the response library) still hold a
    topic or queue they name: the delete is refused with their name, not failed on a foreign key."""
    _create(demo_url, "topics", {"code": "mail_only", "labels": "Mail only", "parent": "billing",
                                 "short_code": 77})
    _create(demo_url, "queues", {"code": "mail_desk", "labels": "Mail desk"})
    _create(demo_url, "mail_rules", {"code": "to_desk", "labels": "To desk", "topic": "mail_only",
                                     "queue": "mail_desk"})
    _create(demo_url, "responses", {"code": "mail_answer", "labels": "Answer", "topic": "promotions",
                                    "body": "Hello {customer}"})
    with unit_of_work(demo_url) as session:
        for kind, key in (("topics", "mail_only"), ("queues", "mail_desk")):
            with pytest.raises(Conflict, match="E-mail intake rules 'to_desk' refers to it"):
                directory.delete_entry(session=session, actor=ADMIN, kind=kind, key=key, expected_version=None)
        with pytest.raises(Conflict, match="Response library 'mail_answer' refers to it"):
            directory.delete_entry(session=session, actor=ADMIN, kind="topics", key="promotions",
                                   expected_version=None)
    with unit_of_work(demo_url) as session:
        directory.delete_entry(session=session, actor=ADMIN, kind="responses", key="mail_answer",
                               expected_version=None)
        directory.delete_entry(session=session, actor=ADMIN, kind="topics", key="promotions", expected_version=None)


def test_sibling_numeric_codes_are_unique_and_loops_refused(demo_url):
    with pytest.raises(ValidationError, match="taken by 'disputed_charge'"):
        _create(demo_url, "topics", {"code": "x", "labels": "X", "parent": "billing", "short_code": 2})
    with unit_of_work(demo_url) as session:
        with pytest.raises(ValidationError, match="loop"):
            topics.move_topic(session=session, actor=ADMIN, code="technical", parent="no_data",
                              expected_version=None)


def test_move_keeps_code_unless_taken_and_shift_reorders(demo_url):
    with unit_of_work(demo_url) as session:
        topics.move_topic(session=session, actor=ADMIN, code="sms_problem", parent="mobile_data",
                          expected_version=None)
        topics.shift_topic(session=session, actor=ADMIN, code="refund", step=-1)
    with unit_of_work(demo_url) as session:
        nodes = {n.code: n for n in topics.topic_tree(session=session, actor=AGENT)}
        billing = [n.code for n in topics.topic_tree(session=session, actor=AGENT) if n.parent == "billing"]
    assert nodes["sms_problem"].short_path == "3.1.4"  # 3 was taken by apn_settings
    assert billing.index("refund") == billing.index("ebill_switch") - 1


def test_copy_brings_the_attributes_along(demo_url):
    with unit_of_work(demo_url) as session:
        topics.copy_topic(session=session, actor=ADMIN, code="disputed_charge", new_code="disputed_fee")
    form = _form(demo_url, "disputed_fee")
    assert {"dispute_reason_disputed_fee", "amount"} <= {f.code for f in form.fields}


def test_used_topic_cannot_be_deleted_unused_can(demo_url):
    with unit_of_work(demo_url) as session:
        with pytest.raises(Conflict, match="sub-topics"):
            directory.delete_entry(session=session, actor=ADMIN, kind="topics", key="billing", expected_version=None)
        with pytest.raises(Conflict, match="template"):
            directory.delete_entry(session=session, actor=ADMIN, kind="topics", key="other", expected_version=None)
        directory.delete_entry(session=session, actor=ADMIN, kind="topics", key="promotions", expected_version=None)
    with unit_of_work(demo_url) as session:
        assert "promotions" not in {n.code for n in topics.topic_tree(session=session, actor=AGENT)}


def test_templates_for_a_user_come_through_groups_too(demo_url):
    with unit_of_work(demo_url) as session:
        mine = topics.templates_for(session=session, actor=AGENT, login="agent2")
    assert [t.code for t in mine] == ["cc_inbound", "cc_outbound", "back_office"]  # claims group → back office


def test_template_fields_must_fit_the_place_type(demo_url):
    base = {"code": "t9", "labels": "T9", "short_code": 9, "place_type": "sales_office"}
    with pytest.raises(ValidationError, match="not a place of type"):
        _create(demo_url, "templates", {**base, "places": ["cc_msk"]})
    with pytest.raises(ValidationError, match="not allowed"):
        _create(demo_url, "templates", {**base, "channel": "chat"})
    with pytest.raises(ValidationError) as caught:
        _create(demo_url, "templates", {**base, "short_code": 1})
    assert caught.value.field == "short_code"
