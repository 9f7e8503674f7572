"""Registering contacts and inquiries on both databases: all or nothing, template defaults, consultations
closed at once, rule-mandatory attributes, repeats and linking, child inquiries, attachments, reading back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from crmterm.errors import PermissionDenied, ValidationError
from crmterm.services.customers import contracts, customer_card, customers
from crmterm.services.inquiries import attachments, inquiries
from crmterm.services.inquiries.attachments import AttachmentLimits
from crmterm.services.inquiries.registration import ContactDraft, RegistrationError, register
from crmterm.store import AttachmentBlob, Contact, Inquiry, Topic
from crmterm.store.db import unit_of_work
from helpers import AGENT, AUDITOR

NUMBER = "+79161234567"


@pytest.fixture
def caller(demo_url) -> tuple[str, int]:
    """The demo configuration plus one customer with a contract and a subscriber."""
    with unit_of_work(demo_url) as session:
        party = customers.create_party(session=session, actor=AGENT, values={
            "display_name": "Соколова Анна", "kind": "person", "category": "vip"})
        contracts.add_contract(session=session, actor=AGENT, party_id=party.id, number="K-77")
        contracts.add_subscriber(session=session, actor=AGENT, contract="K-77", number=NUMBER)
    return demo_url, party.id


def _register(url: str, actor=AGENT, **document):
    with unit_of_work(url) as session:
        return register(session=session, actor=actor, draft=ContactDraft.model_validate(document))


def _count(url: str, model) -> int:
    with unit_of_work(url) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def _show(url: str, inquiry_id: int):
    with unit_of_work(url) as session:
        return inquiries.get_inquiry(session=session, actor=AGENT, inquiry_id=inquiry_id)


NO_DATA = {"topic": "311", "values": {"problem_since": "2026-11-26 10:00", "device_restarted": True}}


def test_one_bad_inquiry_among_three_creates_nothing_and_is_named(caller):
    url, party = caller
    with pytest.raises(RegistrationError) as error:
        _register(url, template="cc_inbound", customer=party, inquiries=[
            NO_DATA, {"topic": "balance_inquiry"}, {"topic": "refund", "values": {"amount": "12,x"}}])
    assert str(error.value).startswith("inquiry 3 (refund): amount:")
    assert _count(url, Contact) == 0 and _count(url, Inquiry) == 0


def test_template_fills_the_contact_and_a_consultation_closes_at_once(caller):
    url, party = caller
    done = _register(url, template="cc_inbound", subscriber="8 916 123-45-67", text="Two questions",
                     inquiries=[NO_DATA, {"topic": "1.1"}])
    request, consultation = (_show(url, i) for i in done.inquiry_ids)
    assert request.state == "waiting" and consultation.state == "closed" and done.closed == [consultation.id]
    assert (request.route, request.step, request.queue) == ("technical_fault", "first_line", "first_line")
    assert [e.kind for e in consultation.events] == ["created", "closed"]
    contact = request.contact
    assert (contact.place, contact.channel, contact.direction, contact.customer_id) == ("cc_msk", "phone", "in", party)
    assert {v.code: v.shown for v in request.values}["network_type"] == "4G (LTE)"  # the default, with its label
    assert request.priority == "high"  # the topic's default priority


def test_mandatory_by_rule_blocks_until_filled(caller):
    url, party = caller
    refund = {"topic": "refund", "values": {"amount": "500", "refund_method": "bank"}}
    with pytest.raises(RegistrationError) as error:
        _register(url, customer=party, inquiries=[refund])
    assert error.value.problems == [(0, "bank_account", "required")]
    refund["values"]["bank_account"] = "40817810099910004312"
    done = _register(url, customer=party, inquiries=[refund])
    assert {v.code for v in _show(url, done.inquiry_ids[0]).values} >= {"amount", "bank_account"}


@pytest.mark.parametrize("document, field", [
    ({"channel": "visit", "place": "cc_msk"}, "channel"),
    ({"subscriber": "+79990000000"}, "subscriber"),
    ({"direction": "sideways"}, "direction"),
    ({"template": "nope"}, "template"),
])
def test_contact_problems_are_named(caller, document, field):
    url, party = caller
    with pytest.raises(RegistrationError) as error:
        _register(url, **document, inquiries=[{"topic": "1.1"}])
    assert error.value.problems[0][:2] == (None, field)


def test_topic_must_be_a_topic_not_a_group(caller):
    url, party = caller
    with pytest.raises(RegistrationError, match="'billing' is a group"):
        _register(url, customer=party, inquiries=[{"topic": "1"}])


def test_repeat_is_found_and_a_new_contact_joins_the_earlier_inquiry(caller):
    url, party = caller
    first = _register(url, customer=party, inquiries=[NO_DATA]).inquiry_ids[0]
    with unit_of_work(url) as session:
        found = inquiries.repeats(session=session, actor=AGENT, party_id=party, topic="no_data", days=7)
        later = inquiries.repeats(session=session, actor=AGENT, party_id=party, topic="no_data", days=7,
                                  now=found[0].created_at + timedelta(days=8))
    assert [r.id for r in found] == [first] and later == []
    again = _register(url, customer=party, inquiries=[{"link_to": first, "text": "still no data"}])
    assert again.inquiry_ids == [first] and again.linked == [first] and _count(url, Inquiry) == 1
    shown = _show(url, first)
    assert shown.events[-1].kind == "contact_linked" and shown.events[-1].contact_id == again.contact_id


def test_linking_needs_an_open_inquiry_of_the_same_customer(caller):
    url, party = caller
    closed = _register(url, customer=party, inquiries=[{"topic": "1.1"}]).inquiry_ids[0]
    with pytest.raises(RegistrationError, match="is closed"):
        _register(url, customer=party, inquiries=[{"link_to": closed}])
    with pytest.raises(RegistrationError, match="another customer"):
        _register(url, inquiries=[{"link_to": _register(url, customer=party, inquiries=[NO_DATA]).inquiry_ids[0]}])


def test_child_inquiry_is_listed_on_both(caller):
    url, party = caller
    parent = _register(url, customer=party, inquiries=[NO_DATA]).inquiry_ids[0]
    child = _register(url, customer=party, inquiries=[{"topic": "6.1", "parent": parent}]).inquiry_ids[0]
    assert _show(url, child).parent_id == parent
    shown = _show(url, parent)
    assert [c.id for c in shown.children] == [child] and shown.events[-1].kind == "child_created"


def test_attachments_are_checked_and_stored_once(caller, tmp_path):
    url, party = caller
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 " * 300)
    done = _register(url, customer=party, inquiries=[{**NO_DATA, "files": [str(scan)]}, {"topic": "1.4"}])
    with unit_of_work(url) as session:
        attachments.attach_path(session=session, actor=AGENT, inquiry_id=done.inquiry_ids[1], path=str(scan))
        with pytest.raises(ValidationError, match="type 'exe'"):
            attachments.attach(session=session, actor=AGENT, inquiry_id=done.inquiry_ids[1], name="x.exe", data=b"MZ")
        session.exec(select(Topic).where(Topic.code == "invoice_copy")).one().attachment_max_kb = 1
        with pytest.raises(ValidationError, match="limit for this topic is 1 KB"):
            attachments.attach(session=session, actor=AGENT, inquiry_id=done.inquiry_ids[1], name="big.pdf",
                               data=b"x" * 2048)
        with pytest.raises(ValidationError, match="limit for this topic is 2 KB"):
            attachments.attach(session=session, actor=AGENT, inquiry_id=done.inquiry_ids[0], name="big.pdf",
                               data=b"x" * 4096, limits=AttachmentLimits(max_kb=2))
    first, second = (_show(url, i).attachments for i in done.inquiry_ids)
    assert first[0].name == "scan.pdf" and first[0].sha256 == second[0].sha256
    assert _count(url, AttachmentBlob) == 1


def test_a_refused_file_in_a_registration_creates_nothing(caller, tmp_path):
    url, party = caller
    tool = tmp_path / "tool.exe"
    tool.write_bytes(b"MZ")
    with pytest.raises(RegistrationError, match="inquiry 1 .*files: files of type 'exe'"):
        _register(url, customer=party, inquiries=[{**NO_DATA, "files": [str(tool)]}])
    assert _count(url, Contact) == 0


def test_comments_activity_and_roles(caller):
    url, party = caller
    done = _register(url, customer=party, inquiries=[NO_DATA, {"topic": "1.1"}])
    with unit_of_work(url) as session:
        inquiries.comment(session=session, actor=AGENT, inquiry_id=done.inquiry_ids[0], text="Called back")
        with pytest.raises(ValidationError):
            inquiries.comment(session=session, actor=AGENT, inquiry_id=done.inquiry_ids[0], text="  ")
        activity = inquiries.customer_activity(session=session, actor=AGENT, party_id=party)
        card = customer_card.get_card(session=session, actor=AGENT, party_id=party)
    assert _show(url, done.inquiry_ids[0]).events[-1].text == "Called back"
    assert activity.category == "vip" and activity.open_count == 1
    assert [i.id for i in activity.open_inquiries] == [done.inquiry_ids[0]]
    assert [c.id for c in activity.last_contacts] == [done.contact_id]
    assert [i.id for i in card.inquiries] == done.inquiry_ids[::-1]  # the card's tab, newest first
    with pytest.raises(PermissionDenied):
        _register(url, actor=AUDITOR, customer=party, inquiries=[{"topic": "1.1"}])


def test_repeat_window_and_attachment_limits_come_from_the_config_file(tmp_path):
    from crmterm.errors import ConfigError
    from crmterm.settings import resolve

    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    config = home / "config" / "config.yaml"
    config.write_text("repeat_days: 3\nattachment_max_kb: 512\nattachment_types: [PDF, .png]\n", encoding="utf-8")
    settings = resolve(environ={"CRMTERM_HOME": str(home)})
    assert (settings.repeat_days, attachments.limits_of(settings)) == (3, AttachmentLimits(512, ("pdf", "png")))
    config.write_text("repeat_days: 0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="repeat_days: expected a positive whole number"):
        resolve(environ={"CRMTERM_HOME": str(home)})
