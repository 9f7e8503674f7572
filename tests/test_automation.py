"""Automation rules on both databases: on an event, when the condition holds, the actions run (priority,
notify, move, business function); a failing rule is undone and logged; loops and runaway chains are
stopped with an `automation_error` while the user's action succeeds; rules travel in config as code."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from crmterm.errors import ValidationError
from crmterm.services.directory import config_io, directory
from crmterm.services.inquiries import external_events, functions, inquiries, inquiry_actions
from crmterm.store import Inquiry, Notification
from crmterm.store.db import engine_for, unit_of_work
from crmterm.workflow.automation import MAX_DEPTH
from helpers import ADMIN
from test_external_events import new_inquiry
from test_workflow import act, people

PING_PONG = {"code": "ping", "labels": {"en": "Ping-pong"}, "topics": ["sms_problem"],
             "steps": [{"code": "a", "queue": "first_line"}, {"code": "b", "queue": "first_line"},
                       {"code": "end", "final": True}],
             "transitions": [{"code": "forward", "from": "a", "to": "b"}, {"code": "backward", "from": "b", "to": "a"},
                             {"code": "finish", "from": "b", "to": "end"}]}


def rule(url: str, code: str, event: str, actions: list, condition: str = "true", **extra) -> None:
    with unit_of_work(url) as session:
        directory.create_entry(session=session, actor=ADMIN, kind="automation", values={
            "code": code, "labels": {"en": code}, "event": event, "condition": condition, "actions": actions,
            **extra})


def events(url: str, actor, inquiry_id: int):
    return act(url, inquiries.get_inquiry, actor, inquiry_id=inquiry_id).events


@pytest.fixture
def team(demo_url):
    return demo_url, people(demo_url)


def test_a_rule_raises_the_priority_of_new_inquiries_it_matches(team):
    url, who = team
    rule(url, "sms_urgent", "created", [{"priority": "critical"}], condition='inquiry.topic == "sms_problem"')
    rule(url, "never", "created", [{"priority": "low"}], condition='inquiry.topic == "no_such_topic"')
    inquiry = new_inquiry(url, who["agent"])
    shown = act(url, inquiries.get_inquiry, who["agent"], inquiry_id=inquiry)
    assert shown.priority == "critical"
    ran = [e for e in shown.events if e.kind == "automation"]
    assert [(e.data["rule"], e.data["event"], e.data["actions"]) for e in ran] == [
        ("sms_urgent", "created", ["priority=critical"])]


def test_a_notify_action_enqueues_the_rules_notice(team):
    url, who = team
    rule(url, "tell", "created", [{"notify": "supervisors", "params": {"text": "=\"SMS trouble: \" + inquiry.topic"}}])
    inquiry = new_inquiry(url, who["agent"])
    with Session(engine_for(url)) as session:
        queued = session.exec(select(Notification).where(Notification.inquiry_id == inquiry)).all()
    assert {(n.event, n.address) for n in queued} == {("automation", "cc-supervisors@telenova.example")}
    assert "SMS trouble: sms_problem" in queued[0].body and f"#{inquiry}" in queued[0].subject


def test_an_attribute_a_rule_sets_fires_the_rules_on_attribute_changes(team):
    url, who = team
    rule(url, "restart", "created", [{"set": {"device_restarted": True}}])
    rule(url, "restarted", "attribute_changed", [{"priority": "high"}],
         condition='"device_restarted" in event.data.changes')
    inquiry = new_inquiry(url, who["agent"])
    shown = act(url, inquiries.get_inquiry, who["agent"], inquiry_id=inquiry)
    assert shown.priority == "high" and {v.code: v.value for v in shown.values}["device_restarted"] == "true"
    assert [e.data["rule"] for e in shown.events if e.kind == "automation"] == ["restart", "restarted"]


def test_a_loop_of_rules_is_stopped_and_logged_while_the_users_move_succeeds(team):
    url, who = team
    with unit_of_work(url) as session:
        directory.create_entry(session=session, actor=ADMIN, kind="routes", values=PING_PONG)
    rule(url, "pong", "moved", [{"move": "backward"}], condition='inquiry.step == "b"')
    rule(url, "ping", "moved", [{"move": "forward"}], condition='inquiry.step == "a"')
    inquiry = new_inquiry(url, who["agent"])
    act(url, inquiry_actions.take, who["agent"], inquiry_id=inquiry)
    done = act(url, inquiry_actions.move, who["agent"], inquiry_id=inquiry, transition="forward")
    assert (done.state, done.step) == ("waiting", "b")  # pong moved it back, ping forward, pong was stopped
    log = events(url, who["agent"], inquiry)
    stopped = [e for e in log if e.kind == "automation_error"]
    assert len(stopped) == 1 and "would fire again" in stopped[0].text
    assert stopped[0].data["chain"] == [f"pong#{inquiry}", f"ping#{inquiry}", f"pong#{inquiry}"]
    assert [e.data.get("transition") for e in log if e.kind == "moved"] == ["forward", "backward", "forward"]


def test_a_runaway_chain_across_inquiries_is_cut_at_the_depth_limit(team):
    url, who = team
    rule(url, "spawn", "created", [{"child": "sms_problem"}], condition='inquiry.topic == "sms_problem"')
    first = new_inquiry(url, who["agent"])
    with Session(engine_for(url)) as session:
        family = session.exec(select(Inquiry.id).where(Inquiry.id >= first).order_by(Inquiry.id)).all()
    assert len(family) == 1 + MAX_DEPTH  # every rule in the chain spawned one child before the cut
    stopped = [e for e in events(url, who["agent"], family[-1]) if e.kind == "automation_error"]
    assert "more than 8 rules" in stopped[0].text and len(stopped[0].data["chain"]) == MAX_DEPTH + 1


def test_a_failing_rule_is_undone_and_logged_and_the_registration_stands(team):
    url, who = team
    rule(url, "broken", "created", [{"priority": "critical"}, {"move": "no_such_transition"}])
    inquiry = new_inquiry(url, who["agent"])
    shown = act(url, inquiries.get_inquiry, who["agent"], inquiry_id=inquiry)
    assert shown.priority != "critical" and shown.state == "waiting"  # the rule's priority was undone with it
    failed = [e for e in shown.events if e.kind == "automation_error"]
    assert "cannot move inquiry" in failed[0].text and failed[0].data["chain"] == [f"broken#{inquiry}"]
    assert not [e for e in shown.events if e.kind == "automation"]


def test_the_example_function_runs_from_automation_with_the_events_data(team):
    url, who = team
    rule(url, "balance", "external", [{"function": "send_balance_sms", "params": {
        "balance": "=event.data.balance", "phone": "+7 916 123-45-67", "language": "en"}}],
         condition='event.name == "balance_request"')
    inquiry = new_inquiry(url, who["agent"])
    act(url, external_events.push, who["agent"], inquiry_id=inquiry, name="balance_request", data={"balance": 1250.5})
    act(url, external_events.push, who["agent"], inquiry_id=inquiry, name="other", data={"balance": 1})
    with Session(engine_for(url)) as session:
        sms = session.exec(select(Notification).where(Notification.inquiry_id == inquiry)).one()
    assert sms.address == "79161234567@sms.gateway.invalid" and sms.body.strip() == "Your balance is 1250.50 RUB."
    ran = [e for e in events(url, who["agent"], inquiry) if e.kind == "automation"][0]
    assert ran.data["actions"] == ["send_balance_sms: SMS +79161234567: Your balance is 1250.50 RUB."]
    done = act(url, functions.run, who["agent"], name="send_balance_sms", inquiry_id=inquiry,
               params={"balance": "10", "phone": "+79161234567", "currency": "EUR", "language": "ru"})
    assert done.result.endswith("Ваш баланс: 10.00 EUR.")
    with pytest.raises(ValidationError, match="balance: required"):
        act(url, functions.run, who["agent"], name="send_balance_sms", inquiry_id=inquiry, params={})


def test_rules_are_checked_on_save_and_travel_in_config_as_code(team, tmp_path):
    url, _who = team
    with pytest.raises(ValidationError, match=r"actions\[2\]: unknown priority 'urgentest'"):
        rule(url, "bad", "created", [{"notify": "supervisors"}, {"priority": "urgentest"}])
    with pytest.raises(ValidationError, match=r"actions\[1\]: give exactly one of"):
        rule(url, "bad", "created", [{"priority": "high", "move": "x"}])
    with pytest.raises(ValidationError, match=r"params.balance: expected a number"):
        rule(url, "bad", "created", [{"function": "send_balance_sms", "params": {"balance": "lots"}}])
    with pytest.raises(ValidationError, match="event: expected one of"):
        rule(url, "bad", "sometimes", [{"priority": "high"}])
    rule(url, "vip", "taken", [{"priority": "high"}, {"notify": "user:supervisor"}],
         condition='customer.category == "vip"', active=False)
    with unit_of_work(url) as session:
        document = config_io.export_config(session=session, actor=ADMIN)
    assert document["automation"] == [{"code": "vip", "labels": {"en": "vip"}, "active": False, "sort_order": 0,
                                       "event": "taken", "condition": 'customer.category == "vip"',
                                       "actions": [{"priority": "high"}, {"notify": "user:supervisor"}]}]
    exported = tmp_path / "config.yaml"
    with unit_of_work(url) as session:
        config_io.write_export(session=session, actor=ADMIN, path=exported)
    with unit_of_work(url) as session:
        assert config_io.import_file(session=session, actor=ADMIN, path=exported).changes == 0

