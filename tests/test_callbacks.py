"""Callbacks and tasks (issue 24, item 5), on both databases: scheduling checks its window, number, customer and
whose work it becomes; keeping a callback registers an outbound phone contact and marks it done in one
transaction; an overdue callback escalates once to its agent and the supervisor; tasks open and close."""

from __future__ import annotations

from datetime import timedelta

import pytest
from helpers import act, register_disputed_charge
from sqlmodel import select

from crmterm.errors import Conflict, NotFound, PermissionDenied, ValidationError
from crmterm.services.work import callback_done, callback_scan, callbacks, tasks
from crmterm.store import Callback, Channel, Contact, Inquiry, InquiryEvent, Notification, User, utcnow
from crmterm.store.db import unit_of_work

NORD = "+7 916 100-00-01"


def schedule(url, actor, hours_from=-1, hours_to=1, **extra):
    now = utcnow()
    return act(url, callbacks.schedule, actor, **{"customer": 1, "number": NORD,
                                                  "window_from": now + timedelta(hours=hours_from),
                                                  "window_to": now + timedelta(hours=hours_to), **extra})


def test_a_callback_needs_a_window_that_ends_after_it_starts_a_valid_number_and_a_customer(demo_url, people):
    agent = people["agent"]
    with pytest.raises(ValidationError, match="window must end after it starts") as error:
        schedule(demo_url, agent, hours_from=2, hours_to=1)
    assert error.value.field == "to"
    with pytest.raises(ValidationError) as error:
        schedule(demo_url, agent, number="12")
    assert error.value.field == "number"
    with pytest.raises(NotFound):
        schedule(demo_url, agent, customer=987654)
    with pytest.raises(PermissionDenied, match=r"\(inquiries.write\)"):
        schedule(demo_url, people["auditor"])
    made = schedule(demo_url, agent, note="about the bill")
    assert (made.agent, made.queue, made.number, made.state) == ("agent", None, "+79161000001", "scheduled")


def test_agents_give_callbacks_to_themselves_or_their_queues_supervisors_to_anyone(demo_url, people):
    with pytest.raises(PermissionDenied, match="another agent"):
        schedule(demo_url, people["agent"], agent="agent2")
    with pytest.raises(PermissionDenied, match="does not work queue vip_line"):
        schedule(demo_url, people["agent"], queue="vip_line")
    assert schedule(demo_url, people["agent"], queue="first_line").queue == "first_line"
    assert schedule(demo_url, people["supervisor"], agent="agent2").agent == "agent2"
    mine = act(demo_url, callbacks.callbacks, people["agent2"])  # agent2 works first_line too
    assert {c.agent or c.queue for c in mine} == {"agent2", "first_line"}
    with pytest.raises(PermissionDenied):
        act(demo_url, callbacks.callbacks, people["agent"], scope="all")
    everyone = {c.id for c in act(demo_url, callbacks.callbacks, people["supervisor"], scope="all")}
    assert {c.id for c in mine} <= everyone


def test_keeping_a_callback_adds_an_outbound_phone_contact_to_its_inquiry_once(demo_url, people):
    inquiry_id = register_disputed_charge(demo_url)
    made = schedule(demo_url, people["agent"], inquiry=inquiry_id, note="promised an answer")
    done = act(demo_url, callback_done.complete, people["agent"], callback_id=made.id)
    assert done.inquiry_id == inquiry_id
    with unit_of_work(demo_url) as session:
        contact = session.get(Contact, done.contact_id)
        channel = session.get(Channel, contact.channel_id)
        assert (contact.direction, channel.code, contact.party_id, contact.caller) == ("out", "phone", 1,
                                                                                        "+79161000001")
        linked = session.exec(select(InquiryEvent).where(InquiryEvent.inquiry_id == inquiry_id,
                                                         InquiryEvent.kind == "contact_linked")).one()
        assert linked.contact_id == done.contact_id
        row = session.get(Callback, made.id)
        assert (row.state, row.done_contact_id) == ("done", done.contact_id)
    with pytest.raises(Conflict, match="already done"):
        act(demo_url, callback_done.complete, people["agent"], callback_id=made.id)


def test_a_callback_without_an_inquiry_needs_a_topic_and_a_refused_contact_leaves_it_owed(demo_url, people):
    made = schedule(demo_url, people["agent"])
    with pytest.raises(ValidationError, match="give the topic") as error:
        act(demo_url, callback_done.complete, people["agent"], callback_id=made.id)
    assert error.value.field == "topic"
    with pytest.raises(ValidationError, match="no-such-topic"):
        act(demo_url, callback_done.complete, people["agent"], callback_id=made.id, topic="no-such-topic")
    assert act(demo_url, callbacks.get, people["agent"], callback_id=made.id).state == "scheduled"
    done = act(demo_url, callback_done.complete, people["agent"], callback_id=made.id, topic="tariff_info")
    with unit_of_work(demo_url) as session:
        assert session.get(Inquiry, done.inquiry_id).contact_id == done.contact_id
    with pytest.raises(PermissionDenied, match="given to someone else"):
        act(demo_url, callbacks.cancel, people["agent2"], callback_id=schedule(demo_url, people["agent"]).id)


def _told(url: str, callback_id: int) -> list[str]:
    with unit_of_work(url) as session:
        rows = session.exec(select(User.login, Notification.data).join(Notification, Notification.user_id == User.id)
                            .where(Notification.event == "callback_overdue")).all()
    return sorted(login for login, data in rows if data["callback_id"] == callback_id)


def _escalated(url: str, callback_id: int) -> bool:
    with unit_of_work(url) as session:
        return session.get(Callback, callback_id).overdue_at is not None


def test_an_overdue_callback_escalates_once_to_its_agent_and_the_supervisor(demo_url, people):
    late = schedule(demo_url, people["agent"], hours_from=-3, hours_to=-1)
    pending = schedule(demo_url, people["agent"], hours_from=-1, hours_to=1)  # not overdue yet
    first = act(demo_url, callback_scan.scan_overdue, people["supervisor"])
    again = act(demo_url, callback_scan.scan_overdue, people["supervisor"])
    assert first.escalated >= 1 and (again.escalated, again.notified) == (0, 0)  # (the demo has an overdue one)
    assert _told(demo_url, late.id) == ["agent", "supervisor"] and not _escalated(demo_url, pending.id)
    act(demo_url, callbacks.reschedule, people["agent"], callback_id=late.id, window_from=utcnow(),
        window_to=utcnow() + timedelta(hours=1))
    assert not _escalated(demo_url, late.id)
    act(demo_url, callback_scan.scan_overdue, people["supervisor"], now=utcnow() + timedelta(hours=2))
    assert _escalated(demo_url, late.id) and _escalated(demo_url, pending.id)
    assert _told(demo_url, late.id) == ["agent", "agent", "supervisor", "supervisor"]  # the new window, once
    with pytest.raises(PermissionDenied):
        act(demo_url, callback_scan.scan_overdue, people["agent"])


def test_the_sla_scan_command_escalates_overdue_callbacks_too(demo_url, people, tmp_path):
    import json

    from conftest import owner_url
    from test_cli import app, runner

    late = schedule(demo_url, people["agent"], hours_from=-3, hours_to=-1)
    result = runner.invoke(app, ["--db", owner_url(demo_url), "sla", "scan", "--json"],
                           env={"CRMTERM_HOME": str(tmp_path / "home")})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["callbacks_overdue"] >= 1 and _escalated(demo_url, late.id)


def test_tasks_open_for_an_agent_or_a_queue_and_close_once(demo_url, people):
    due = utcnow() + timedelta(hours=4)
    low = act(demo_url, tasks.add_task, people["agent"], title="Post the contract", due_at=due, priority="low")
    high = act(demo_url, tasks.add_task, people["agent"], title="Call the bank", priority="high",
               queue="first_line")
    with pytest.raises(ValidationError, match="needs a title"):
        act(demo_url, tasks.add_task, people["agent"], title="  ")
    with pytest.raises(NotFound):
        act(demo_url, tasks.add_task, people["agent"], title="x", priority="urgentest")
    listed = [t.id for t in act(demo_url, tasks.tasks, people["agent"]) if t.id in (high.id, low.id)]
    assert listed == [high.id, low.id]  # the most urgent first
    assert high.id in [t.id for t in act(demo_url, tasks.tasks, people["agent2"])]  # agent2 works first_line
    assert low.id not in [t.id for t in act(demo_url, tasks.tasks, people["agent2"])]
    act(demo_url, tasks.finish_task, people["agent2"], task_id=high.id)
    with pytest.raises(Conflict):
        act(demo_url, tasks.finish_task, people["agent"], task_id=high.id)
    with pytest.raises(PermissionDenied):
        act(demo_url, tasks.finish_task, people["agent2"], task_id=low.id)


def test_another_agents_callback_is_not_shown_by_its_number(demo_url, people):
    """Issue 24: `get` keeps the list's rule (own, own queues', scheduled by the reader, or a supervisor)."""
    made = schedule(demo_url, people["agent"], note="call about the refund")
    with pytest.raises(NotFound):
        act(demo_url, callbacks.get, people["agent2"], callback_id=made.id)
    assert act(demo_url, callbacks.get, people["supervisor"], callback_id=made.id).note == "call about the refund"
