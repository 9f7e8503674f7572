"""Offline work the first round of sync left behind (issue 30): notes on an inquiry registered offline, customers
created offline (and a registration for one, in the same sync), and route actions other than close — take,
return to queue, a move along a transition — done by the server's inquiry services, a refusal shown. One laptop
(a SQLite node) and the server on each backend, through its real API app."""

from __future__ import annotations

import pytest
from sqlmodel import col, select
from sync_support import Server, actors, call, conflicts, draft, held_inquiry, init, sync

from crmterm.services.customers import customers
from crmterm.services.inquiries import inquiries, inquiry_actions, inquiry_moves
from crmterm.services.inquiries.registration import register
from crmterm.services.sync import registrations, status
from crmterm.services.sync.resolve import resolve_conflict
from crmterm.store import Contact, Inquiry, InquiryEvent, Party, Queue
from crmterm.store.db import unit_of_work
from crmterm.store.sync import LOCAL_BASE


@pytest.fixture
def laptop(demo_url, sqlite_template, tmp_path):
    """The server with a customer of the agent's (one inquiry taken, one waiting) and the agent's laptop."""
    from conftest import copy_demo

    server, people = Server(demo_url), actors(demo_url)
    ivanov = call(demo_url, customers.create_party, people["admin"], values={"display_name": "Ivanov"}).id
    held = held_inquiry(demo_url, people["agent"], ivanov)
    waiting = call(demo_url, register, people["agent"], draft=draft(ivanov)).inquiry_ids[0]
    node_url = copy_demo(sqlite_template, tmp_path / "laptop.db")
    init(server, node_url, "agent")
    return server, people, ivanov, held, waiting, node_url


def _notes(url: str, inquiry: int) -> list[str]:
    with unit_of_work(url) as session:
        return list(session.exec(select(InquiryEvent.text).where(InquiryEvent.inquiry_id == inquiry,
                                                                 InquiryEvent.kind == "commented")))


def _server_inquiry_of(url: str, contact: int) -> Inquiry:
    with unit_of_work(url) as session:
        return session.exec(select(Inquiry).where(Inquiry.contact_id == contact)).one()


def test_notes_and_a_take_on_an_inquiry_registered_offline_reach_the_servers_inquiry_once(laptop):
    server, people, ivanov, _held, _waiting, node_url = laptop
    agent = actors(node_url)["agent"]
    made = call(node_url, register, agent, draft=draft(ivanov))
    call(node_url, inquiries.comment, agent, inquiry_id=made.inquiry_ids[0], text="customer sent the receipt")
    call(node_url, inquiry_actions.take, agent, inquiry_id=made.inquiry_ids[0])
    [(_reference, number)] = sync(server, node_url, "agent").numbered
    numbered = _server_inquiry_of(server.url, number)
    assert _notes(server.url, numbered.id) == ["customer sent the receipt"]
    assert (numbered.state, numbered.assignee_id) == ("taken", people["agent"].id)
    assert sync(server, node_url, "agent").pushed == 0
    assert _notes(server.url, numbered.id) == ["customer sent the receipt"]


def test_a_customer_created_offline_is_created_on_the_server_with_its_registration(laptop):
    server, _people, _ivanov, _held, _waiting, node_url = laptop
    agent = actors(node_url)["agent"]
    local = call(node_url, customers.create_party, agent, values={"display_name": "Petrov", "email": "p@example.com"})
    assert local.id >= LOCAL_BASE
    made = call(node_url, register, agent, draft=draft(local.id))
    result = sync(server, node_url, "agent")
    assert (result.refused, result.conflicts, len(result.numbered)) == (0, 0, 1)
    with unit_of_work(server.url) as session:
        petrov = session.exec(select(Party).where(Party.display_name == "Petrov")).one()
        assert petrov.email == "p@example.com" and petrov.id < LOCAL_BASE
        assert session.get(Contact, result.numbered[0][1]).party_id == petrov.id
    with unit_of_work(node_url) as session:
        assert session.get(Party, local.id) is None and session.get(Party, petrov.id).display_name == "Petrov"
        assert session.get(Contact, made.contact_id) is None
        assert status.sync_status(session).pending == 0
    call(node_url, customers.update_party, agent, party_id=petrov.id, values={"email": "new@example.com"},
         expected_version=None)  # the renumbered customer is an ordinary synchronised one now
    assert sync(server, node_url, "agent").conflicts == 0
    with unit_of_work(server.url) as session:
        assert session.get(Party, petrov.id).email == "new@example.com"


def test_take_move_and_return_made_offline_are_done_by_the_server(laptop):
    server, people, _ivanov, held, waiting, node_url = laptop
    agent = actors(node_url)["agent"]
    call(node_url, inquiry_actions.take, agent, inquiry_id=waiting)
    call(node_url, inquiry_actions.move, agent, inquiry_id=waiting, transition="to_billing")
    call(node_url, inquiry_actions.return_to_queue, agent, inquiry_id=held, text="back after the visit")
    result = sync(server, node_url, "agent")
    assert (result.pushed, result.refused) == (3, 0)
    with unit_of_work(server.url) as session:
        moved, returned = session.get(Inquiry, waiting), session.get(Inquiry, held)
        assert (moved.step, moved.state, moved.assignee_id) == ("billing", "waiting", None)
        assert (returned.state, returned.assignee_id) == ("waiting", None)
        kinds = list(session.exec(select(InquiryEvent.kind).where(InquiryEvent.inquiry_id == waiting)
                                  .order_by(col(InquiryEvent.id))))
    assert kinds[-2:] == ["taken", "moved"]
    assert sync(server, node_url, "agent").pushed == 0  # each action once


def test_a_take_of_an_inquiry_given_to_someone_else_meanwhile_is_refused_and_shown(laptop):
    server, people, _ivanov, _held, waiting, node_url = laptop
    call(node_url, inquiry_actions.take, actors(node_url)["agent"], inquiry_id=waiting)
    call(server.url, inquiry_actions.assign, people["supervisor"], inquiry_id=waiting, login="agent2")
    assert sync(server, node_url, "agent").refused == 1
    [refusal] = conflicts(node_url)
    assert (refusal.kind, refusal.label, refusal.field) == ("refused", f"Inquiry {waiting}", "take")
    assert refusal.message
    with unit_of_work(node_url) as session:
        assert session.get(Inquiry, waiting).assignee_id == people["agent2"].id  # the server's, after the pull


def test_a_conflict_on_an_attribute_value_is_resolved_like_a_field(laptop):
    server, people, _ivanov, held, _waiting, node_url = laptop
    call(server.url, inquiry_moves.update_values, people["agent"], inquiry_id=held, values={"amount": "175"},
         expected_version=None)
    call(node_url, inquiry_moves.update_values, actors(node_url)["agent"], inquiry_id=held, values={"amount": "150"},
         expected_version=None)
    assert sync(server, node_url, "agent").conflicts == 1
    [conflict] = conflicts(node_url)
    call(node_url, resolve_conflict, actors(node_url)["agent"], conflict_id=conflict.id, choice="edit", value="160")
    assert sync(server, node_url, "agent").conflicts == 0
    assert _amount(server.url, held) == _amount(node_url, held) == "160"


def _amount(url: str, inquiry: int) -> str | None:
    with unit_of_work(url) as session:
        return registrations.inquiry_values(session, inquiry).get("amount")


def test_a_supervisors_assign_and_transfer_made_offline_are_done_by_the_server(demo_url, sqlite_template, tmp_path):
    from conftest import copy_demo

    server, people = Server(demo_url), actors(demo_url)
    ivanov = call(demo_url, customers.create_party, people["admin"], values={"display_name": "Ivanov"}).id
    first, second = (call(demo_url, register, people["supervisor"], draft=draft(ivanov)).inquiry_ids[0]
                     for _ in range(2))
    node_url = copy_demo(sqlite_template, tmp_path / "supervisor.db")
    init(server, node_url, "supervisor")
    supervisor = actors(node_url)["supervisor"]
    call(node_url, inquiry_actions.assign, supervisor, inquiry_id=first, login="agent2")
    call(node_url, inquiry_actions.transfer, supervisor, inquiry_id=second, queue="billing_bo")
    assert sync(server, node_url, "supervisor").refused == 0
    with unit_of_work(server.url) as session:
        assert session.get(Inquiry, first).assignee_id == people["agent2"].id
        assert session.get(Inquiry, second).queue_id == session.exec(
            select(Queue.id).where(Queue.code == "billing_bo")).one()
