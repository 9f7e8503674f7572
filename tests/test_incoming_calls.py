"""Screen pop, the service (issue 22 item 5), on both databases: who may pop a call for whom, a repeated call id
pops nothing, an unknown agent is NotFound and a bad number a ValidationError on `number`, the caller is
recognised (one customer, several, none), and the agent's workspace finds the call once until it is shown."""

from __future__ import annotations

from datetime import timedelta

import pytest
from helpers import act
from sqlmodel import select

from crmterm.errors import NotFound, PermissionDenied, ValidationError
from crmterm.services.accounts.permissions import Actor
from crmterm.services.customers import contracts, customers
from crmterm.services.inquiries import incoming_calls as calls
from crmterm.services.routing import live
from crmterm.store import IncomingCall, utcnow
from crmterm.store.db import unit_of_work

NORD = "+7 916 100-00-01"  # the demo group head's subscriber: one customer


def pop(url: str, actor: Actor, agent: str = "agent", number: str = NORD, call_id: str = "c-1"):
    return act(url, calls.pop_call, actor, number=number, agent_login=agent, call_id=call_id)


def test_an_agent_pops_calls_for_themself_only(demo_url, people):
    mine = pop(demo_url, people["agent"])
    assert mine.agent_login == "agent" and mine.number == "+79161000001" and not mine.replayed
    with pytest.raises(PermissionDenied, match=r"agent may not do this \(inquiries.supervise\)"):
        pop(demo_url, people["agent"], agent="agent2")


def test_supervisors_and_admins_pop_for_anyone_and_auditors_for_nobody(demo_url, people):
    assert pop(demo_url, people["supervisor"], agent="agent2").agent_login == "agent2"
    assert pop(demo_url, people["admin"], agent="agent", call_id="c-2").agent_login == "agent"
    with pytest.raises(PermissionDenied, match=r"\(inquiries.write\)"):
        pop(demo_url, people["auditor"], agent="auditor")


def test_a_refused_caller_learns_nothing_about_the_agent(demo_url, people):
    with pytest.raises(PermissionDenied):
        pop(demo_url, people["agent"], agent="nobody-such", number="nonsense")


def test_a_repeated_call_id_pops_nothing_new(demo_url, people):
    first = pop(demo_url, people["supervisor"])
    again = pop(demo_url, people["supervisor"], number="+7 916 100-00-02")
    other_agent = pop(demo_url, people["supervisor"], agent="agent2")  # the same id for someone else: a new call
    assert again.replayed and again.id == first.id and again.number == first.number
    assert not other_agent.replayed and other_agent.id != first.id
    with unit_of_work(demo_url) as session:
        assert len(session.exec(select(IncomingCall)).all()) == 2


def test_an_unknown_agent_is_not_found_and_a_bad_number_is_refused_on_its_field(demo_url, people):
    with pytest.raises(NotFound, match="user 'ghost' not found"):
        pop(demo_url, people["admin"], agent="ghost")
    with pytest.raises(ValidationError) as refused:
        pop(demo_url, people["admin"], number="call me maybe")
    assert refused.value.field == "number"
    with pytest.raises(ValidationError) as empty:
        pop(demo_url, people["admin"], call_id=" ")
    assert empty.value.field == "call_id"


def test_the_caller_is_recognised_as_one_customer_several_or_none(demo_url, people):
    admin = people["admin"]
    for n, name in enumerate(("Twin One", "Twin Two")):  # one number on two contracts: a family's shared phone
        party = act(demo_url, customers.create_party, admin, values={"display_name": name})
        act(demo_url, contracts.add_contract, admin, party_id=party.id, number=f"TWIN-{n}")
        act(demo_url, contracts.add_subscriber, admin, contract=f"TWIN-{n}", number="+7 903 777-66-55")
    one = pop(demo_url, admin, call_id="one")
    several = pop(demo_url, admin, number="8 (903) 777-66-55", call_id="several")
    none = pop(demo_url, admin, number="+7 495 000-00-99", call_id="none")
    assert one.customer is not None and one.candidates == []
    assert several.customer is None and sorted(c.display_name for c in several.candidates) == ["Twin One", "Twin Two"]
    assert none.customer is None and none.candidates == []


def test_the_agent_finds_the_call_once_until_shown_and_only_while_fresh(demo_url, people):
    agent, agent2 = people["agent"], people["agent2"]
    assert act(demo_url, calls.next_call_for, agent) is None
    popped = pop(demo_url, people["supervisor"])
    assert act(demo_url, calls.next_call_for, agent2) is None
    waiting = act(demo_url, calls.next_call_for, agent)
    assert waiting is not None and waiting.id == popped.id and waiting.customer == popped.customer
    with pytest.raises(NotFound):
        act(demo_url, calls.mark_shown, agent2, incoming_id=popped.id)  # someone else's call
    act(demo_url, calls.mark_shown, agent, incoming_id=popped.id)
    assert act(demo_url, calls.next_call_for, agent) is None
    stale = pop(demo_url, people["supervisor"], call_id="rang-long-ago")
    with unit_of_work(demo_url) as session:
        row = session.get(IncomingCall, stale.id)
        row.created_at = utcnow() - calls.FRESH - timedelta(seconds=1)
        session.add(row)
    assert act(demo_url, calls.next_call_for, agent) is None


def test_a_pop_wakes_a_watcher_of_that_agent(demo_url, people):
    watcher = live.watcher(demo_url, channel=live.CALLS, only=str(people["agent"].id))
    try:
        assert not watcher.changed()
        pop(demo_url, people["supervisor"])
        assert watcher.changed()
    finally:
        watcher.close()


def test_an_agents_calls_older_than_a_day_go_at_their_next_call(demo_url, people):
    old = pop(demo_url, people["supervisor"], call_id="yesterday")
    other = pop(demo_url, people["supervisor"], agent="agent2", call_id="yesterday")
    with unit_of_work(demo_url) as session:
        for row in session.exec(select(IncomingCall)):
            row.created_at = utcnow() - calls.KEPT_FOR - timedelta(minutes=1)
            session.add(row)
    pop(demo_url, people["supervisor"], call_id="today")
    with unit_of_work(demo_url) as session:
        left = {(row.id, row.call_id) for row in session.exec(select(IncomingCall))}
    assert (old.id, "yesterday") not in left and (other.id, "yesterday") in left and len(left) == 2
