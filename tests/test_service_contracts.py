"""Service management (issue 27, items 1–3), on SQLite and PostgreSQL: the installed base found by serial,
warranties from the installation day, contracts covering a customer, a structure node and everyone below it
or an asset, the entitlement registration shows, and a covering contract's targets in place of the topic's
SLA regulation; `customer.entitlement` in rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from helpers import act
from sqlmodel import select

from crmterm.errors import Conflict, NotFound, PermissionDenied, ValidationError
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.services.routing import routing
from crmterm.services.service import assets, entitlement, service_contracts, warranties
from crmterm.services.service.service_contracts import ContractDraft
from crmterm.store import Contract, Inquiry, Party
from crmterm.store.db import unit_of_work
from crmterm.workflow import rules


def _payer(url: str, contract: str) -> int:
    with unit_of_work(url) as session:
        return session.exec(select(Contract.payer_party_id).where(Contract.number == contract)).one()


def _home_customer(url: str) -> int:
    """A private customer of the demo without equipment."""
    with unit_of_work(url) as session:
        return session.exec(select(Party.id).where(Party.kind == "person").order_by(Party.id.desc())).first()


def _register(url: str, party: int, people, topic: str = "home_no_connection") -> Inquiry:
    draft = ContactDraft(channel="phone", place="cc_msk", customer=party, inquiries=[{"topic": topic, "values": {"problem_since": "2026-11-20 09:00"}}])
    with unit_of_work(url) as session:
        inquiry_id = register(session=session, actor=people["agent"], draft=draft).inquiry_ids[0]
    with unit_of_work(url) as session:
        inquiry = session.get(Inquiry, inquiry_id)
        session.expunge(inquiry)
        return inquiry


def _hours(start, end) -> float:
    return round((end - start).total_seconds() / 3600, 2)


def test_assets_are_found_by_serial_however_typed_and_recorded_once(demo_url, people):
    party = _home_customer(demo_url)
    with pytest.raises(PermissionDenied):
        act(demo_url, assets.add_asset, people["agent"], serial="x1", model="router", party_id=party,
            installed_on=date(2025, 1, 31))
    made = act(demo_url, assets.add_asset, people["supervisor"], serial=" sn-77 01 ", model="router", party_id=party,
               installed_on=date(2025, 1, 31), address="Lenina 1")
    assert made.serial == "SN-7701" and made.model_name == "Wi-Fi router"
    assert made.warranty_until == date(2027, 1, 31)  # the demo's routers: 24 months
    found = act(demo_url, assets.find_asset, people["auditor"], serial="sn-7701")
    assert (found.id, found.party_id) == (made.id, party)
    assert [a.serial for a in act(demo_url, assets.list_assets, people["agent"], party_id=party)] == ["SN-7701"]
    with pytest.raises(Conflict):
        act(demo_url, assets.add_asset, people["supervisor"], serial="Sn-7701", model="x", party_id=party,
            installed_on=date(2025, 1, 1))
    with pytest.raises(NotFound):
        act(demo_url, assets.find_asset, people["agent"], serial="nothing-here")


def test_a_warranty_ends_its_length_after_installation_on_the_same_day_or_the_months_last():
    assert warranties.until(date(2025, 3, 15), 12) == date(2026, 3, 15)
    assert warranties.until(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert warranties.until(date(2024, 11, 30), 3) == date(2025, 2, 28)
    assert warranties.until(date(2024, 1, 1), None) is None


def test_the_demo_gold_contract_covers_the_group_and_everyone_below_for_technical_topics(demo_url, people):
    agent = people["agent"]
    branch = _payer(demo_url, "NORD-005")  # Khimki warehouse, three levels below the group
    covered = act(demo_url, entitlement.entitlement, agent, party_id=branch, topic="home_no_connection")
    assert (covered.kind, covered.contract, covered.response_minutes, covered.resolution_minutes) == (
        "contract", "SVC-GOLD-NORD", 120, 480)
    assert act(demo_url, entitlement.entitlement, agent, party_id=branch, topic="balance_inquiry").kind == "none"
    silver = act(demo_url, entitlement.entitlement, agent, party_id=_payer(demo_url, "NORD-013"), topic="no_data")
    assert silver.contract == "SVC-SILVER-NSK"  # its own contract is more specific than the group's
    assert "SVC-GOLD-NORD" in entitlement.Entitlement(**covered.model_dump()).text()


def test_warranty_expired_and_none_when_no_contract_covers(demo_url, people):
    agent, boss = people["agent"], people["supervisor"]
    party = _home_customer(demo_url)
    assert act(demo_url, entitlement.entitlement, agent, party_id=party).kind == "none"
    act(demo_url, assets.add_asset, boss, serial="OLD-1", model="router", party_id=party,
        installed_on=date.today() - timedelta(days=800))
    expired = act(demo_url, entitlement.entitlement, agent, party_id=party, topic="home_slow")
    assert (expired.kind, expired.asset) == ("expired", "OLD-1") and "chargeable" in expired.text()
    act(demo_url, assets.add_asset, boss, serial="NEW-1", model="router", party_id=party,
        installed_on=date.today() - timedelta(days=10))
    running = act(demo_url, entitlement.entitlement, agent, party_id=party, topic="home_slow")
    assert (running.kind, running.asset) == ("warranty", "NEW-1")
    act(demo_url, service_contracts.add_contract, boss, draft=ContractDraft(
        code="T-ASSET", asset="old-1", response="30m", valid_from=date.today() - timedelta(days=1)))
    on_asset = act(demo_url, entitlement.entitlement, agent, party_id=party, topic="home_slow")
    assert (on_asset.kind, on_asset.contract) == ("contract", "T-ASSET")
    assert act(demo_url, entitlement.entitlement, agent, party_id=party, asset="new-1").kind == "warranty"
    with pytest.raises(NotFound):
        act(demo_url, entitlement.entitlement, agent, party_id=party, asset="no-such-serial")


def test_contracts_are_checked_and_only_service_write_writes_them(demo_url, people):
    boss, party = people["supervisor"], _home_customer(demo_url)
    draft = ContractDraft(code="T-1", customer=party, topics=["home_internet"], response="1h30m", resolution=600,
                          valid_from=date(2025, 1, 1), credit_per_breach="99.5")
    with pytest.raises(PermissionDenied):
        act(demo_url, service_contracts.add_contract, people["agent"], draft=draft)
    made = act(demo_url, service_contracts.add_contract, boss, draft=draft)
    assert (made.response_minutes, made.resolution_minutes, str(made.credit_per_breach)) == (90, 600, "99.50")
    assert made.in_force and made.calendar is None
    for wrong, field in ((dict(topics=["nonesuch"]), None), (dict(response="soon"), "response"),
                         (dict(valid_to=date(2024, 1, 1)), "valid_to"), (dict(asset="OLD-1"), "asset")):
        with pytest.raises((ValidationError, NotFound)) as raised:
            act(demo_url, service_contracts.add_contract, boss, draft=draft.model_copy(update={"code": "T-2",
                                                                                                 **wrong}))
        assert field is None or getattr(raised.value, "field", field) == field
    with pytest.raises(Conflict):
        act(demo_url, service_contracts.add_contract, boss, draft=draft)
    listed = act(demo_url, service_contracts.list_contracts, people["auditor"], party_id=party)
    assert [c.code for c in listed] == ["T-1"]


def test_a_covering_contract_replaces_the_topics_regulation_for_new_deadlines(demo_url, people):
    party = _home_customer(demo_url)
    plain = _register(demo_url, party, people)
    assert _hours(plain.queued_at, plain.react_due_at) == 0.5  # the technical regulation, high priority
    act(demo_url, service_contracts.add_contract, people["supervisor"], draft=ContractDraft(
        code="T-FAST", customer=party, topics=["home_internet"], response="10m", resolution="1h",
        valid_from=date.today() - timedelta(days=1)))
    covered = _register(demo_url, party, people)
    assert _hours(covered.queued_at, covered.react_due_at) == round(10 / 60, 2)
    assert _hours(covered.sla_started_at, covered.due_at) == 1.0  # earlier than the step's own 4 h
    elsewhere = _register(demo_url, party, people, topic="no_data")  # not a covered topic: the regulation
    assert _hours(elsewhere.queued_at, elsewhere.react_due_at) == 0.5


def test_rules_read_the_customers_entitlement(demo_url, people):
    inquiry = _register(demo_url, _payer(demo_url, "NORD-005"), people)
    other = _register(demo_url, _home_customer(demo_url), people)
    with unit_of_work(demo_url) as session:
        assert rules.holds('customer.entitlement == "contract"', routing.context_of(session, inquiry))
        assert rules.holds('customer.entitlement == "none"', routing.context_of(session, other))


def test_the_qos_report_counts_breaches_of_covered_inquiries_and_the_credits_owed(demo_url, people):
    from sqlalchemy import update

    from crmterm.services.reports import reports_qos as qos

    party = _home_customer(demo_url)
    act(demo_url, service_contracts.add_contract, people["supervisor"], draft=ContractDraft(
        code="T-QOS", customer=party, topics=["home_internet"], response="10m", resolution="1h",
        valid_from=date.today() - timedelta(days=1), credit_per_breach="250"))
    late, kept = _register(demo_url, party, people), _register(demo_url, party, people)
    _register(demo_url, party, people, topic="no_data")  # not a covered topic
    with unit_of_work(demo_url) as session:  # the first one waited past both deadlines
        session.execute(update(Inquiry).where(Inquiry.id == late.id).values(
            react_due_at=late.react_due_at - timedelta(hours=3), due_at=late.due_at - timedelta(hours=3)))
    with pytest.raises(PermissionDenied):
        act(demo_url, qos.qos_report, people["agent"])
    table = act(demo_url, qos.qos_report, people["auditor"], contract="T-QOS")
    (row,) = table.as_records()
    assert (row["inquiries"], row["response_breaches"], row["resolution_breaches"]) == (2, 1, 1)
    assert (row["response_agreed"], row["resolution_agreed"], row["credits_owed"]) == (10 / 60, 1.0, 500.0)
    assert kept.id != late.id


def test_a_target_the_contract_leaves_out_keeps_the_regulations_and_the_clock_runs_around_the_clock():
    from crmterm.workflow.coverage import Targets, covered
    from crmterm.workflow.sla import Book, Times, regulation_from

    base = Book([regulation_from("tech", ["technical"], "office", {"high": {"react": 0.5, "resolve": 48},
                                                                   "*": {"react": 1, "resolve": 96}})], {})
    assert covered(base, ["technical"], None) is base
    book = covered(base, ["technical", "no_data"], Targets("C", react_hours=2))
    rule = book.regulation(["technical", "no_data"])
    assert rule.times_for("high") == Times(react=2, resolve=48) and rule.times_for(None) == Times(2, 96)
    assert book.calendars_for(["technical"], None)[0].code == "24x7"


def test_the_coverage_port_finds_the_service_package_when_first_asked():
    import subprocess
    import sys

    code = ("from crmterm.services.routing import coverage_port\n"
            "print(coverage_port._provider('contract_targets').__module__)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "crmterm.services.service.entitlement"
