"""The external API on both databases: events from other systems move inquiries along `on_event` transitions
(guards read event.data) or are logged; a request with an external id is done once, even when two copies
race; `crmterm inquiry event` and `crmterm contact register -` from the command line."""

from __future__ import annotations

import json
import threading
import time

import pytest
from sqlmodel import Session, func, select

from crmterm.errors import Conflict, ValidationError
from crmterm.services.directory import directory
from crmterm.services.inquiries import external_events, inquiries
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.store import Contact, ExternalRequest, InquiryEvent
from crmterm.store.db import engine_for, unit_of_work
from helpers import ADMIN
from conftest import owner_url
from test_cli import app, runner
from test_workflow import act, people

ROUTE = {"code": "sms", "labels": {"en": "SMS"}, "topics": ["sms_problem"],
         "steps": [{"code": "check", "queue": "first_line"}, {"code": "billing", "queue": "billing_bo"},
                   {"code": "end", "final": True}],
         "transitions": [{"code": "paid", "from": "check", "to": "billing", "on_event": "payment_received",
                          "guard": "event.data.amount >= 100"},
                         {"code": "done", "from": "billing", "to": "end"},
                         {"code": "back", "from": "billing", "to": "check"}]}
SMS = {"topic": "sms_problem", "values": {"problem_since": "2026-11-26 10:00"}}


@pytest.fixture
def world(demo_url):
    with unit_of_work(demo_url) as session:
        directory.create_entry(session=session, actor=ADMIN, kind="routes", values=ROUTE)
    return demo_url, people(demo_url)


def new_inquiry(url: str, actor) -> int:
    draft = ContactDraft.model_validate({"channel": "phone", "place": "cc_msk", "inquiries": [SMS]})
    with unit_of_work(url) as session:
        return register(session=session, actor=actor, draft=draft).inquiry_ids[0]


def kinds(url: str, actor, inquiry_id: int) -> list[str]:
    return [e.kind for e in act(url, inquiries.get_inquiry, actor, inquiry_id=inquiry_id).events]


def push(url: str, actor, inquiry_id: int, **kwargs):
    return act(url, external_events.push, actor, inquiry_id=inquiry_id, **kwargs)


def test_the_same_external_event_twice_moves_the_inquiry_once(world):
    url, who = world
    inquiry = new_inquiry(url, who["agent"])  # waiting in first_line: nobody has to hold it
    first = push(url, who["supervisor"], inquiry, name="payment_received", data={"amount": 150},
                 external_id="pay-1", source="billing")
    again = push(url, who["supervisor"], inquiry, name="payment_received", data={"amount": 150},
                 external_id="pay-1", source="billing")
    assert (first.moved, first.transition, first.step, first.queue) == (True, "paid", "billing", "billing_bo")
    assert again.replayed and again.model_dump(exclude={"replayed"}) == first.model_dump(exclude={"replayed"})
    shown = act(url, inquiries.get_inquiry, who["agent"], inquiry_id=inquiry)
    assert [e.kind for e in shown.events].count("moved") == 1 and shown.version == first.version
    moved = next(e for e in shown.events if e.kind == "moved")
    assert moved.data["event"] == "payment_received" and moved.data["external_id"] == "pay-1"
    with pytest.raises(Conflict, match="already used for another request"):  # same id, other content
        push(url, who["supervisor"], inquiry, name="payment_received", data={"amount": 999}, external_id="pay-1",
             source="billing")


def test_a_guard_on_event_data_holds_the_inquiry_back_and_the_event_is_logged(world):
    url, who = world
    inquiry = new_inquiry(url, who["agent"])
    small = push(url, who["agent"], inquiry, name="payment_received", data={"amount": 50})
    assert not small.moved and small.step == "check" and "condition of paid does not hold" in small.note
    unknown = push(url, who["agent"], inquiry, name="customer_called")
    assert not unknown.moved and "no transition from step 'check'" in unknown.note
    assert kinds(url, who["agent"], inquiry)[-2:] == ["external", "external"]
    assert push(url, who["agent"], inquiry, name="payment_received", data={"amount": 100}).step == "billing"
    with pytest.raises(ValidationError, match="data: expected a JSON object"):
        push(url, who["agent"], inquiry, name="payment_received", data=[1, 2])
    with pytest.raises(ValidationError, match="event: use Latin letters"):
        push(url, who["agent"], inquiry, name="paid now")


def test_route_checks_name_bad_event_names_and_guards_reading_an_event_nothing_sends(world):
    url, _who = world
    bad = {**ROUTE, "code": "bad", "topics": [], "transitions": [
        {**ROUTE["transitions"][0], "on_event": "payment received"},
        {**ROUTE["transitions"][1], "guard": "event.data.ok == true"}, ROUTE["transitions"][2]]}
    with unit_of_work(url) as session, pytest.raises(ValidationError) as error:
        directory.create_entry(session=session, actor=ADMIN, kind="routes", values=bad)
    assert "transitions[1] paid: on_event: use Latin letters" in str(error.value)
    assert "(and 1 more)" in str(error.value)  # the guard of 'done' reads an event no one sends


def _claim_and_hold(url: str, inquiry: int, actor, ready: threading.Event, release: threading.Event):
    with unit_of_work(url) as session:
        external_events.push(session=session, actor=actor, inquiry_id=inquiry, name="payment_received",
                             data={"amount": 150}, external_id="race", source="billing")
        ready.set()
        release.wait(10)


def test_two_racing_copies_of_one_request_move_once_and_the_loser_gets_the_winners_result(world):
    url, who = world
    inquiry = new_inquiry(url, who["agent"])
    ready, release, results = threading.Event(), threading.Event(), []
    winner = threading.Thread(target=_claim_and_hold, args=(url, inquiry, who["supervisor"], ready, release))
    winner.start()
    assert ready.wait(10)

    def loser() -> None:
        with unit_of_work(url) as session:  # waits for the winner's transaction, then sees its claim
            results.append(external_events.push(session=session, actor=who["supervisor"], inquiry_id=inquiry,
                                                name="payment_received", data={"amount": 150}, external_id="race",
                                                source="billing"))

    second = threading.Thread(target=loser)
    second.start()
    time.sleep(0.3)
    release.set()
    winner.join(10)
    second.join(20)
    assert results and results[0].replayed and results[0].transition == "paid"
    with Session(engine_for(url)) as session:
        moves = session.exec(select(func.count()).select_from(InquiryEvent)
                             .where(InquiryEvent.inquiry_id == inquiry, InquiryEvent.kind == "moved")).one()
        claims = session.exec(select(func.count()).select_from(ExternalRequest)).one()
    assert (moves, claims) == (1, 1)


@pytest.fixture
def as_user(world, tmp_path):
    url, _who = world

    def run(login: str | None, *args: str, input: str | None = None):
        env = {"CRMTERM_HOME": str(tmp_path / "home"), "CRMTERM_USER": login, "CRMTERM_PASSWORD": login}
        where = owner_url(url) if login is None else url  # the system account: the owner's connection
        return runner.invoke(app, ["--db", where, *args], input=input, env=env)
    return run


def _json(result) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_cli_registers_once_and_moves_once_per_external_id(world, as_user):
    url, _who = world
    document = json.dumps({"external_id": "crm-42", "channel": "phone", "place": "cc_msk", "inquiries": [SMS]})
    first = _json(as_user("agent", "contact", "register", "-", "--json", input=document))
    again = _json(as_user("agent", "contact", "register", "-", "--json", input=document))
    assert (first["replayed"], again["replayed"]) == (False, True)
    assert again["inquiry_ids"] == first["inquiry_ids"] and again["contact_id"] == first["contact_id"]
    with Session(engine_for(url)) as session:
        assert session.exec(select(func.count()).select_from(Contact)).one() == 1
    inquiry = str(first["inquiry_ids"][0])
    args = ("inquiry", "event", inquiry, "payment_received", "--data", '{"amount": 300}', "--external-id", "p-7")
    moved = _json(as_user("agent", *args, "--json"))
    assert (moved["moved"], moved["step"], moved["replayed"]) == (True, "billing", False)
    repeat = as_user("agent", *args)
    assert repeat.exit_code == 0 and "moved by 'paid'" in repeat.stdout and "nothing changed" in repeat.stderr
    shown = _json(as_user("agent", "inquiry", "show", inquiry, "--json"))
    assert [e["kind"] for e in shown["events"]].count("moved") == 1
    bad = as_user("agent", "inquiry", "event", inquiry, "payment_received", "--data", "{amount: 1}")
    assert bad.exit_code == 1 and bad.stderr.startswith("error: data: ") and "Traceback" not in bad.output
