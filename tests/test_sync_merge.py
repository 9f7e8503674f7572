"""Offline work (issue 30): two laptops (SQLite nodes) and the server (each backend, through its real API
app) edit the same customer and inquiry offline. Different fields merge; the same field becomes exactly one
conflict on the node that synchronised second; a close of an inquiry someone else was given meanwhile is
refused and shown; a registration made offline gets a server number and keeps its local reference."""

from __future__ import annotations

import pytest
from sqlmodel import func, select
from sync_support import Server, actors, call, conflicts, draft, held_inquiry, init, sync

from crmterm.services.customers import customers
from crmterm.services.inquiries import inquiries, inquiry_actions, inquiry_moves
from crmterm.services.inquiries.registration import register
from crmterm.services.sync import registrations, server_pull, status
from crmterm.store import Contact, Inquiry, InquiryEvent, Party
from crmterm.store.db import unit_of_work
from crmterm.store.sync import LOCAL_BASE, SyncJournal


@pytest.fixture
def world(demo_url, sqlite_template, tmp_path):
    from conftest import copy_demo

    server = Server(demo_url)
    people = actors(demo_url)
    ivanov = call(demo_url, customers.create_party, people["admin"], values={"display_name": "Ivanov",
                                                                             "email": "old@example.com"}).id
    inquiry = held_inquiry(demo_url, people["agent"], ivanov)
    nodes = [copy_demo(sqlite_template, tmp_path / f"node{n}.db") for n in (1, 2)]
    for node_url in nodes:
        init(server, node_url, "agent")
    return server, people, ivanov, inquiry, nodes


def _party(url: str, party_id: int) -> Party:
    with unit_of_work(url) as session:
        return session.get(Party, party_id)


def _edit(url: str, actor, party_id: int, **values) -> None:
    call(url, customers.update_party, actor, party_id=party_id, values=values, expected_version=None)


def test_a_node_holds_the_users_customers_and_work_after_init(world):
    server, people, ivanov, inquiry, (first, _second) = world
    with unit_of_work(first) as session:
        assert session.get(Party, ivanov).display_name == "Ivanov"
        held = session.get(Inquiry, inquiry)
        assert (held.state, held.assignee_id) == ("taken", people["agent"].id)
        assert status.sync_status(session).pending == 0 and status.sync_status(session).online is True


def test_different_fields_merge_and_the_same_field_is_one_conflict(world):
    server, people, ivanov, _inquiry, (first, second) = world
    agent = actors(first)["agent"]
    _edit(first, agent, ivanov, email="first@example.com")
    _edit(second, agent, ivanov, display_name="Ivanov Ivan", email="second@example.com")
    with unit_of_work(second) as session:
        assert status.sync_status(session).pending == 2
    assert (sync(server, first, "agent").conflicts, sync(server, second, "agent").conflicts) == (0, 1)
    on_server = _party(server.url, ivanov)
    assert (on_server.display_name, on_server.email) == ("Ivanov Ivan", "first@example.com")
    [conflict] = conflicts(second)
    assert (conflict.label, conflict.field, conflict.ours, conflict.theirs, conflict.base) == (
        "Customer Ivanov Ivan", "email", "second@example.com", "first@example.com", "old@example.com")
    assert _party(second, ivanov).email == "second@example.com"  # kept until resolved, never silently lost
    sync(server, first, "agent")
    assert _party(first, ivanov).display_name == "Ivanov Ivan"
    assert sync(server, second, "agent").conflicts == 0 and len(conflicts(second)) == 1  # not raised twice


def test_closing_an_inquiry_reassigned_meanwhile_is_refused_and_shown(world):
    server, people, _ivanov, inquiry, (first, _second) = world
    call(first, inquiry_actions.close, actors(first)["agent"], inquiry_id=inquiry, resolution="fixed offline")
    call(server.url, inquiry_actions.assign, people["supervisor"], inquiry_id=inquiry, login="agent2")
    result = sync(server, first, "agent")
    assert result.refused == 1
    [refusal] = conflicts(first)
    assert (refusal.kind, refusal.label, refusal.field) == ("refused", f"Inquiry {inquiry}", "close")
    assert refusal.message
    with unit_of_work(first) as session:
        local = session.get(Inquiry, inquiry)
        assert (local.state, local.assignee_id) == ("taken", people["agent2"].id)  # the server's, after the pull


def test_an_offline_registration_gets_a_server_number(world):
    server, people, ivanov, _inquiry, (first, _second) = world
    made = call(first, register, actors(first)["agent"], draft=draft(ivanov))
    assert made.contact_id >= LOCAL_BASE and made.inquiry_ids[0] >= LOCAL_BASE
    before = _count(server.url, Contact)
    result = sync(server, first, "agent")
    [(reference, number)] = result.numbered
    assert reference == f"L-{made.contact_id - LOCAL_BASE}" and number < LOCAL_BASE
    assert _count(server.url, Contact) == before + 1
    with unit_of_work(first) as session:
        assert session.get(Contact, made.contact_id) is None  # replaced by the server's rows
        entry = session.exec(select(SyncJournal).where(SyncJournal.op == "create")).one()
        assert (entry.local_ref, entry.server_id, entry.outcome) == (reference, number, "applied")
        assert session.exec(select(func.count()).select_from(Inquiry).where(Inquiry.contact_id == number)).one() == 1


def _count(url: str, model) -> int:
    with unit_of_work(url) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_attribute_values_merge_like_fields(world):
    server, people, _ivanov, inquiry, (first, second) = world
    before = _values(server.url, inquiry)["amount"]
    for node_url, amount in ((first, "150"), (second, "175")):
        call(node_url, inquiry_moves.update_values, actors(node_url)["agent"], inquiry_id=inquiry,
             values={"amount": amount}, expected_version=None)
    mine, theirs = _values(second, inquiry)["amount"], _values(first, inquiry)["amount"]
    assert (sync(server, first, "agent").conflicts, sync(server, second, "agent").conflicts) == (0, 1)
    assert _values(server.url, inquiry)["amount"] == theirs
    [conflict] = conflicts(second)
    assert (conflict.field, conflict.ours, conflict.theirs, conflict.base) == ("value:amount", mine, theirs, before)
    assert _values(second, inquiry)["amount"] == mine  # kept until resolved


def _values(url: str, inquiry: int) -> dict:
    with unit_of_work(url) as session:
        return registrations.inquiry_values(session, inquiry)


def test_the_territory_scope_adds_the_open_work_of_ones_queues(demo_url):
    people = actors(demo_url)
    waiting = call(demo_url, customers.create_party, people["admin"], values={"display_name": "Queued"}).id
    call(demo_url, register, people["supervisor"], draft=draft(waiting))  # waits in first_line, the agent's queue
    assert waiting in _pulled_parties(demo_url, people["agent"], "territory")
    assert waiting not in _pulled_parties(demo_url, people["agent"], "mine")


def _pulled_parties(url: str, actor, scope: str) -> set[int]:
    marks, found = {}, set()
    while True:
        answer = call(url, server_pull.pull, actor, watermarks=marks, scope=scope, limit=200)
        found |= {row["id"] for row in answer["tables"].get("party", [])}
        marks = answer["watermarks"]
        if not answer["more"]:
            return found


def test_a_note_written_offline_reaches_the_server_once(world):
    server, people, _ivanov, inquiry, (first, _second) = world
    call(first, inquiries.comment, actors(first)["agent"], inquiry_id=inquiry, text="called from the site")
    assert sync(server, first, "agent").pushed == 1 and sync(server, first, "agent").pushed == 0
    with unit_of_work(server.url) as session:
        notes = session.exec(select(InquiryEvent.text).where(InquiryEvent.inquiry_id == inquiry,
                                                             InquiryEvent.kind == "commented")).all()
    assert notes == ["called from the site"]
