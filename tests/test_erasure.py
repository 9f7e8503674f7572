"""Right to erasure on both databases: a customer's personal data is gone from every table (live and
archive), from search and from the audit log, while the contacts and inquiries stay and still count;
admins only; the CLI asks first."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select, text
from sqlmodel import SQLModel

from crmterm.errors import Conflict, PermissionDenied
from crmterm.services.customers import contracts, customer_card, customer_search, customers, erasure
from crmterm.services.platform import archive
from crmterm.services.directory import directory
from crmterm.services.inquiries import inquiries
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.services.work import callback_scan, callbacks, tasks
from crmterm.store import Inquiry, InquiryValue, load_all
from crmterm.store.archive import inquiry_archive
from crmterm.store.db import engine_for, unit_of_work
from helpers import ADMIN, AGENT, SUPERVISOR
from test_archive import finish
from test_cli import cli_on

SECRETS = ("zelda", "quux", "+79161234567", "9161234567", "quuxova 9", "zq@example.org", "40817810")


def act(url: str, call, actor=ADMIN, **kwargs):
    with unit_of_work(url) as session:
        return call(session=session, actor=actor, **kwargs)


def _customer(url: str) -> tuple[int, list[int]]:
    """A person with everything personal we keep: names, phones, e-mails, notes, attributes, contacts with
    free text, inquiries with a personal attribute and a comment and a file — two of them archived."""
    party = act(url, customers.create_party, values={"display_name": "Zelda Quux", "names": {"ru": "Зельда Квукс"},
                                                      "email": "zq@example.org", "phone": "+79161234567"}).id
    act(url, contracts.add_contract, party_id=party, number="ZQ-1")
    act(url, contracts.add_subscriber, contract="ZQ-1", number="+79161234567")
    act(url, contracts.add_contact_person, party_id=party, name="Zelda's husband Quux",
                 phones=["+79161234567"], emails=["zq@example.org"])
    act(url, contracts.add_note, entity="party", entity_id=party, text="Zelda lives at Quuxova 9")
    act(url, customer_card.set_attribute, party_id=party, code="birthday", value="1990-01-02")
    _work(url, party)
    ids = []
    for n in range(3):
        draft = ContactDraft.model_validate({"channel": "phone", "place": "cc_msk", "customer": party,
                                             "caller": "+79161234567", "text": "Zelda Quux called", "inquiries": [
            {"topic": "slow_data", "text": f"Zelda Quux #{n}", "values": {
                "problem_since": "2026-11-27T08:00", "address": "Quuxova 9", "device_restarted": True}}]})
        ids += act(url, register, AGENT, draft=draft).inquiry_ids
    act(url, inquiries.comment, inquiry_id=ids[0], text="Zelda's card 40817810…")
    finish(url, ids[:2])
    archive.run(url=url, actor=ADMIN, before=archive.cutoff(365))  # on SQLite the newest stays live
    return party, ids


def _work(url: str, party: int) -> None:
    """An overdue callback (its notification names the customer and the number) and a task about the customer."""
    from datetime import timedelta

    from crmterm.store import utcnow

    now = utcnow()
    act(url, callbacks.schedule, customer=party, number="+79161234567", agent="agent", note="Zelda Quux asks",
        window_from=now - timedelta(hours=3), window_to=now - timedelta(hours=1))
    act(url, tasks.add_task, title="Post Zelda Quux the contract", agent="agent", customer=party)
    act(url, callback_scan.scan_overdue)


def _everything(url: str) -> str:
    """Every row of every table as text, lower-cased (the brute-force check that nothing is left)."""
    dumped = []
    load_all()  # every table on SQLModel.metadata (models load on first use)
    with engine_for(url).connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            if table.name == "user_password":  # hashes only, and unreadable for the application role
                continue
            dumped += [repr(tuple(row)) for row in connection.execute(select(table))]
    return "\n".join(dumped).casefold()


def test_erasure_leaves_nothing_personal_but_keeps_everything_countable(demo_url):
    party, ids = _customer(demo_url)
    before = _everything(demo_url)
    assert all(secret in before for secret in SECRETS)
    with engine_for(demo_url).connect() as connection:
        counts = [connection.execute(select(func.count()).select_from(t)).scalar() for t in (Inquiry, inquiry_archive)]
    done = act(demo_url, erasure.erase_customer, party_id=party)
    assert done.counts["inquiries"] + done.counts["inquiries_archive"] == 3
    after = _everything(demo_url)
    assert [s for s in SECRETS if s in after] == []
    with engine_for(demo_url).connect() as connection:
        assert [connection.execute(select(func.count()).select_from(t)).scalar()
                for t in (Inquiry, inquiry_archive)] == counts
        linked = connection.execute(select(Inquiry.party_id).where(Inquiry.id.in_(ids))).scalars().all()
        archived = connection.execute(select(inquiry_archive.c.party_id).where(inquiry_archive.c.id.in_(ids))).all()
        kept = connection.execute(select(func.count()).select_from(InquiryValue)
                                  .where(InquiryValue.inquiry_id.in_(ids))).scalar()
    assert len(linked) + len(archived) == 3 and set(linked) | {p for (p,) in archived} == {party}
    assert kept > 0  # problem_since and device_restarted are not personal
    card = act(demo_url, customer_card.get_card, party_id=party).party
    assert (card.display_name, card.names, card.email, card.phone) == (f"erased #{party}", {}, None, None)
    assert card.erased_at is not None
    for query in ("Zelda", "quux", "zq@example", "+79161234567", "1234567", "Зельда"):
        assert act(demo_url, customer_search.search, query=query) == [], query


def test_only_admins_erase_and_only_once(demo_url):
    party = act(demo_url, customers.create_party, values={"display_name": "Once Only"}).id
    for actor in (AGENT, SUPERVISOR):
        with pytest.raises(PermissionDenied):
            act(demo_url, erasure.erase_customer, actor, party_id=party)
    act(demo_url, erasure.erase_customer, party_id=party)
    with pytest.raises(Conflict):
        act(demo_url, erasure.erase_customer, party_id=party)


def test_merged_customers_are_erased_with_the_survivor(demo_url):
    survivor = act(demo_url, customers.create_party, values={"display_name": "Kept Quux"}).id
    merged = act(demo_url, customers.create_party, values={"display_name": "Old Zelda"}).id
    act(demo_url, customers.merge, survivor_id=survivor, merged_id=merged)
    with pytest.raises(Conflict):
        act(demo_url, erasure.erase_customer, party_id=merged)
    assert act(demo_url, erasure.erase_customer, party_id=survivor).parties == [survivor, merged]
    assert "zelda" not in _everything(demo_url) and "quux" not in _everything(demo_url)


def test_personal_flag_is_configuration(demo_url):
    found = act(demo_url, directory.get_entry, kind="attributes", key="address")
    assert found.values["personal"] is True
    act(demo_url, directory.update_entry, kind="attributes", key="problem_since", values={"personal": True},
        expected_version=None)
    assert act(demo_url, directory.get_entry, kind="attributes", key="problem_since").values["personal"] is True


def test_cli_asks_then_erases_and_the_audit_keeps_no_erased_value(demo_url, tmp_path):
    cli = cli_on(demo_url, tmp_path / "home")
    party = act(demo_url, customers.create_party, values={"display_name": "Zelda Cli", "email": "zq@example.org"}).id
    refused = cli("customer", "erase", str(party), input="n\n")
    assert refused.exit_code == 1 and "cancelled" in refused.output
    assert act(demo_url, customer_card.get_card, party_id=party).party.display_name == "Zelda Cli"
    done = cli("customer", "erase", str(party), "--yes", "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["party_id"] == party
    logged = json.loads(cli("audit", "list", "--action", "erase", "--json").stdout)
    assert [e["entity_key"] for e in logged] == [str(party)]
    assert "zelda" not in json.dumps(logged).casefold() and "zq@" not in json.dumps(logged)
    with engine_for(demo_url).connect() as connection:
        audit_text = " ".join(map(str, connection.execute(text("SELECT * FROM audit_log")).all())).casefold()
    assert "zelda" not in audit_text
