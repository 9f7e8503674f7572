"""Notes everywhere (issue 31, item 3) on both databases: on customers, subscribers, contact persons, contracts
and inquiries, internal or public, with author and time, on the card, searchable, through the CLI too."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from crmterm.errors import NotFound, PermissionDenied, ValidationError
from crmterm.services.customers import customer_card, erasure, notes
from crmterm.services.inquiries import registration
from crmterm.store import ContactPerson, Contract, Party, Subscriber
from crmterm.store.db import unit_of_work
from helpers import ADMIN, AGENT, AUDITOR
from role_matrix_work import draft
from test_cli import cli_on


def _in(url, work):
    with unit_of_work(url) as session:
        return work(session)


def _targets(session) -> dict[str, int]:
    contract = session.exec(select(Contract).where(Contract.number == "NORD-001")).one()
    return {"customer": contract.payer_party_id, "contract": contract.id,
            "subscriber": session.exec(select(Subscriber.id).where(Subscriber.contract_id == contract.id)).first(),
            "contact_person": session.exec(select(ContactPerson.id).where(
                ContactPerson.party_id == contract.payer_party_id)).first()}


def test_the_demo_card_shows_notes_of_the_customer_its_contract_and_subscriber(demo_url):
    def card(session):
        return customer_card.get_card(session=session, actor=AGENT, party_id=_targets(session)["customer"])

    shown = {(n.entity, n.public) for n in _in(demo_url, card).notes}
    assert shown == {("party", True), ("contract", False), ("subscriber", False)}


def test_a_note_on_each_kind_is_listed_with_author_time_and_flag(demo_url):
    def add_all(session):
        targets = _targets(session)
        targets["inquiry"] = registration.register(session=session, actor=ADMIN, draft=draft()).inquiry_ids[0]
        for kind, target in targets.items():
            notes.add_note(session=session, actor=AGENT, kind=kind, target_id=target, text=f"About the {kind}",
                           public=kind == "inquiry")
        return targets

    targets = _in(demo_url, add_all)
    for kind, target in targets.items():
        listed = _in(demo_url, lambda s: notes.list_notes(session=s, actor=AUDITOR, kind=kind, target_id=target))
        assert (listed[0].text, listed[0].author, listed[0].public) == (f"About the {kind}", "agent", kind == "inquiry")
        assert listed[0].at is not None
    card = _in(demo_url, lambda s: customer_card.get_card(session=s, actor=AGENT, party_id=targets["customer"]))
    assert {"About the customer", "About the contract", "About the subscriber",
            "About the contact_person"} <= {n.text for n in card.notes}


def test_search_ignores_case_and_accents_and_needs_every_word(demo_url):
    party = _in(demo_url, lambda s: _targets(s)["customer"])
    _in(demo_url, lambda s: notes.add_note(session=s, actor=AGENT, kind="customer", target_id=party,
                                           text="Звонил Пётр: СЧЁТ оплачен"))
    found = _in(demo_url, lambda s: notes.search_notes(session=s, actor=AUDITOR, words="петр счет"))
    assert [n.text for n in found] == ["Звонил Пётр: СЧЁТ оплачен"]
    assert _in(demo_url, lambda s: notes.search_notes(session=s, actor=AUDITOR, words="петр нет")) == []
    renewal = _in(demo_url, lambda s: notes.search_notes(session=s, actor=AUDITOR, words="RENEWAL"))
    assert [n.entity for n in renewal] == ["contract"]  # the demo's note, indexed by the migration's index


def test_notes_are_refused_to_roles_without_write_and_checked(demo_url):
    party = _in(demo_url, lambda s: _targets(s)["customer"])
    with pytest.raises(PermissionDenied):
        _in(demo_url, lambda s: notes.add_note(session=s, actor=AUDITOR, kind="customer", target_id=party, text="x"))
    with pytest.raises(ValidationError, match="expected one of"):
        _in(demo_url, lambda s: notes.add_note(session=s, actor=AGENT, kind="planet", target_id=party, text="x"))
    with pytest.raises(NotFound):
        _in(demo_url, lambda s: notes.add_note(session=s, actor=AGENT, kind="contract", target_id=987654, text="x"))
    with pytest.raises(ValidationError):
        _in(demo_url, lambda s: notes.add_note(session=s, actor=AGENT, kind="customer", target_id=party, text=" "))


def test_erasing_a_customer_removes_its_contracts_notes(demo_url):
    party = _in(demo_url, lambda s: _targets(s)["customer"])
    _in(demo_url, lambda s: erasure.erase_customer(session=s, actor=ADMIN, party_id=party))
    assert _in(demo_url, lambda s: notes.search_notes(session=s, actor=ADMIN, words="renewal")) == []


def test_cli_note_add_list_search(demo_url, tmp_path):
    cli = cli_on(demo_url, tmp_path / "home")
    party = _in(demo_url, lambda s: s.exec(select(Party.id).where(Party.display_name == "Группа «Норд»")).one())
    added = cli("note", "add", "customer", str(party), "Wants a paper invoice", "--public", "--json")
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["public"] is True
    listed = json.loads(cli("note", "list", "customer", str(party), "--json").stdout)
    assert listed[0]["text"] == "Wants a paper invoice"
    assert [n["entity"] for n in json.loads(cli("note", "search", "paper", "invoice", "--json").stdout)] == ["party"]
    wrong = cli("note", "add", "planet", "1", "x")
    assert wrong.exit_code == 1 and wrong.stderr.startswith("error: ")
