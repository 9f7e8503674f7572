"""Sales activities and their calendar (issue 26, item 4), on SQLite and PostgreSQL: calls, meetings and tasks
of a seller about a customer or an opportunity; the activity plan of a stage creates its activities when an
opportunity enters it; reminders go through the notification outbox once per activity and start; a call
activity registers its outbound contact as the registration does; a sales agent sees only their own calendar;
`crmterm activity` answers in JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import yaml
from helpers import ADMIN, act
from sqlmodel import col, select
from test_api_serve import cli_on

from crmterm.errors import ConfigError, Conflict, PermissionDenied, ValidationError
from crmterm.services.directory import config_io
from crmterm.services.sales import activities, activity_calls, activity_reminders, opportunities
from crmterm.store import Contact, Contract, Notification, utcnow
from crmterm.store.db import unit_of_work

MONDAY = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


def _company(url: str) -> int:
    with unit_of_work(url) as session:
        return session.exec(select(Contract.payer_party_id).where(Contract.number == "NORD-003")).one()


def _deal(url: str, actor, title: str = "Activities") -> int:
    return act(url, opportunities.create_opportunity, actor, party_id=_company(url), title=title).id


def test_a_week_of_activities_done_and_rescheduled(demo_url, people):
    agent = people["agent"]
    deal = _deal(demo_url, agent)
    call = act(demo_url, activities.create_activity, agent, kind="call", title="  Ring   the buyer ",
               starts_at=MONDAY, duration=20, opportunity_id=deal)
    meeting = act(demo_url, activities.create_activity, agent, kind="meeting", title="Workshop",
                  starts_at=MONDAY + timedelta(days=2), duration=90, party_id=_company(demo_url))
    assert (call.title, call.party_id, call.owner, call.state, call.overdue) == (
        "Ring the buyer", _company(demo_url), "agent", "open", False)
    start, end = activities.local_days(activities.week_of(MONDAY.date() + timedelta(days=3)), 7)
    week = act(demo_url, activities.list_activities, agent, start=start, end=end)
    assert [a.id for a in week] == [call.id, meeting.id]
    done = act(demo_url, activities.complete_activity, agent, activity_id=call.id, outcome="Wants a demo")
    assert (done.state, done.outcome, done.done_at is not None) == ("done", "Wants a demo", True)
    with pytest.raises(Conflict):
        act(demo_url, activities.complete_activity, agent, activity_id=call.id)
    moved = act(demo_url, activities.reschedule_activity, agent, activity_id=meeting.id,
                starts_at=MONDAY + timedelta(days=7), version=meeting.version)
    assert (moved.starts_at, moved.version) == (MONDAY + timedelta(days=7), meeting.version + 1)
    with pytest.raises(ValidationError, match="expected one of"):
        act(demo_url, activities.create_activity, agent, kind="lunch", title="x", starts_at=MONDAY)
    past = act(demo_url, activities.create_activity, agent, kind="task", title="Late",
               starts_at=utcnow() - timedelta(hours=1))
    assert past.overdue and past.id in {a.id for a in act(demo_url, activities.list_activities, agent, overdue=True)}


def test_an_agent_sees_and_changes_only_their_own_activities(demo_url, people):
    agent, other, supervisor = people["agent"], people["agent2"], people["supervisor"]
    mine = act(demo_url, activities.create_activity, agent, kind="task", title="Mine", starts_at=MONDAY)
    with pytest.raises(PermissionDenied):
        act(demo_url, activities.get_activity, other, activity_id=mine.id)
    with pytest.raises(PermissionDenied):
        act(demo_url, activities.complete_activity, other, activity_id=mine.id)
    assert mine.id not in {a.id for a in act(demo_url, activities.list_activities, other)}
    assert {a.owner for a in act(demo_url, activities.list_activities, other)} <= {"agent2"}
    theirs = act(demo_url, activities.list_activities, supervisor, owner="agent")
    assert mine.id in {a.id for a in theirs} and {a.owner for a in theirs} == {"agent"}
    given = act(demo_url, activities.create_activity, supervisor, kind="call", title="For agent2",
                starts_at=MONDAY, owner="agent2")
    assert given.owner == "agent2"
    with pytest.raises(PermissionDenied):
        act(demo_url, activities.create_activity, agent, kind="call", title="x", starts_at=MONDAY, owner="agent2")


def test_a_stage_plan_creates_its_activities(demo_url, people):
    agent = people["agent"]
    deal = _deal(demo_url, agent, "Planned")
    assert act(demo_url, activities.list_activities, agent, opportunity_id=deal) == []
    act(demo_url, opportunities.move_stage, agent, opportunity_id=deal, stage="proposal")
    planned = act(demo_url, activities.list_activities, agent, opportunity_id=deal)
    assert [(a.kind, a.title, a.plan, a.owner) for a in planned] == [
        ("call", "Walk through the proposal", "b2b_proposal", "agent"),
        ("meeting", "Meet the buyer", "b2b_proposal", "agent")]
    assert planned[1].starts_at - planned[0].starts_at == timedelta(days=2)


def test_an_activity_plan_is_checked_when_imported(demo_url, tmp_path):
    bad = {"activity_plans": [{"code": "p", "process": "b2b", "stage": "nowhere",
                               "activities": [{"kind": "call", "title": {"en": "x"}}]}]}
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(bad), encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown reference 'nowhere'"), unit_of_work(demo_url) as session:
        config_io.import_file(session=session, actor=ADMIN, path=tmp_path / "bad.yaml")
    with unit_of_work(demo_url) as session:
        exported = config_io.export_config(session=session, actor=ADMIN)
    assert [p["code"] for p in exported["activity_plans"]] == ["b2b_proposal", "b2b_won"]


def test_reminders_notify_the_owner_once(demo_url, people):
    agent, supervisor = people["agent"], people["supervisor"]
    soon = act(demo_url, activities.create_activity, agent, kind="call", title="Soon",
               starts_at=MONDAY + timedelta(minutes=10))
    act(demo_url, activities.create_activity, agent, kind="call", title="Later", starts_at=MONDAY + timedelta(hours=2))
    first = act(demo_url, activity_reminders.remind_activities, supervisor, now=MONDAY)
    again = act(demo_url, activity_reminders.remind_activities, supervisor, now=MONDAY)
    assert (first.reminded, first.notified, again.reminded) == (1, 1, 0)
    act(demo_url, activities.reschedule_activity, agent, activity_id=soon.id, starts_at=MONDAY + timedelta(days=1))
    later = act(demo_url, activity_reminders.remind_activities, agent, now=MONDAY + timedelta(days=1))
    assert later.reminded == 2  # the new start of "Soon", and "Later" (overdue less than a day)
    with unit_of_work(demo_url) as session:
        sent = session.exec(select(Notification).where(Notification.event == "activity_reminder")
                            .order_by(col(Notification.id))).all()
    assert [n.data["title"] for n in sent][:1] == ["Soon"] and "Soon" in sent[0].subject


def test_a_call_activity_registers_its_contact(demo_url, people):
    agent = people["agent"]
    call = act(demo_url, activities.create_activity, agent, kind="call", title="Ring", starts_at=MONDAY,
               opportunity_id=_deal(demo_url, agent))
    with pytest.raises(ValidationError):
        act(demo_url, activity_calls.register_call, agent, activity_id=call.id, topic="no-such-topic")
    made = act(demo_url, activity_calls.register_call, agent, activity_id=call.id, topic="tariff_info",
               outcome="Agreed to meet")
    assert (made.activity.state, made.activity.contact_id, made.activity.outcome) == (
        "done", made.contact_id, "Agreed to meet")
    with unit_of_work(demo_url) as session:
        contact = session.get(Contact, made.contact_id)
        assert (contact.direction, contact.party_id) == ("out", call.party_id)


def test_the_demo_calendar_and_the_cli(demo_url, tmp_path):
    cli = cli_on(demo_url, tmp_path)
    overdue = json.loads(cli("activity", "list", "--overdue", "--json").stdout)
    assert {"agent", "agent2", "supervisor"} <= {a["owner"] for a in overdue} and all(a["overdue"] for a in overdue)
    made = json.loads(cli("activity", "new", "meeting", "--title", "Demo", "--at", "2030-03-05T10:00",
                          "--customer", str(_company(demo_url)), "--json").stdout)
    week = json.loads(cli("activity", "list", "--week", "2030-03-07", "--json").stdout)
    done = json.loads(cli("activity", "done", str(made["id"]), "--outcome", "Signed", "--json").stdout)
    bad = cli("activity", "new", "lunch", "--title", "x", "--at", "2030-03-05T10:00")
    assert [a["id"] for a in week] == [made["id"]] and (done["state"], done["outcome"]) == ("done", "Signed")
    assert bad.exit_code == 1 and bad.stderr.startswith("error: kind: expected one of")
