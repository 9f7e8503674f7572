"""My work (issue 24, item 6) on both databases: one list of held inquiries, inquiries whose customer's e-mail
awaits a reply, due callbacks and open tasks, most urgent priority first, then the nearest deadline; and the
`crmterm callback|task|work` commands around it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from helpers import act, register_disputed_charge
from test_cli import app, runner

from crmterm.errors import PermissionDenied
from crmterm.services.inquiries import inquiry_actions
from crmterm.services.mail import replies
from crmterm.services.work import callbacks, my_work, tasks
from crmterm.store import MailMessage, utcnow
from crmterm.store.db import unit_of_work


def _mail_on(url: str, inquiry_id: int, at) -> None:
    """An e-mail the intake added to the inquiry (services/mail/intake keeps each one like this)."""
    with unit_of_work(url) as session:
        session.add(MailMessage(message_id=f"<m{inquiry_id}-{at.timestamp()}@x>", mailbox="test", received_at=at,
                                sender="c@mail.example", raw=b"x", outcome="reply", inquiry_id=inquiry_id))


def test_my_work_merges_held_inquiries_mail_due_callbacks_and_tasks_by_priority_then_deadline(demo_url, people):
    agent, now = people["agent"], utcnow()
    held = register_disputed_charge(demo_url)  # high priority, first_line
    act(demo_url, inquiry_actions.take, agent, inquiry_id=held)
    written = register_disputed_charge(demo_url)  # waiting in agent's queue, the customer wrote after
    _mail_on(demo_url, written, now - timedelta(minutes=5))
    due = act(demo_url, callbacks.schedule, agent, customer=1, number="+7 916 100-00-01",
              window_from=now - timedelta(minutes=10), window_to=now + timedelta(minutes=20))
    act(demo_url, callbacks.schedule, agent, customer=1, number="+7 916 100-00-01",  # not yet: not listed
        window_from=now + timedelta(hours=2), window_to=now + timedelta(hours=3))
    task = act(demo_url, tasks.add_task, agent, title="Post the contract", priority="low")
    ours = {("inquiry", held), ("mail", written), ("callback", due.id), ("task", task.id)}
    found = [(i.kind, i.id) for i in act(demo_url, my_work.my_work, agent) if (i.kind, i.id) in ours]
    assert found[-1] == ("task", task.id)  # low priority last
    assert found[0] == ("callback", due.id)  # high ranks tie: the nearest deadline (the window's end) first
    assert set(found) == ours
    act(demo_url, replies.send_reply, agent, inquiry_id=written, to="c@mail.example", subject="Re", text="Done")
    assert ("mail", written) not in [(i.kind, i.id) for i in act(demo_url, my_work.my_work, agent)]
    assert ("task", task.id) in [(i.kind, i.id) for i in act(demo_url, my_work.my_work, people["supervisor"],
                                                                login="agent")]
    with pytest.raises(PermissionDenied):
        act(demo_url, my_work.my_work, people["agent2"], login="agent")


@pytest.fixture
def as_agent(demo_url, tmp_path):
    def run(*args: str):
        env = {"CRMTERM_HOME": str(tmp_path / "home"), "CRMTERM_USER": "agent", "CRMTERM_PASSWORD": "agent"}
        return runner.invoke(app, ["--db", demo_url, *args], env=env)
    return run


def test_callback_commands_schedule_list_keep_and_show_it_in_my_work(as_agent):
    wrong = as_agent("callback", "add", "1", "--number", "+7 916 100-00-01", "--from", "2026-12-07T18:00",
                     "--to", "2026-12-07T17:00")
    assert (wrong.exit_code, wrong.stderr) == (1, "error: to: the window must end after it starts\n")
    start = (utcnow() - timedelta(minutes=5)).isoformat()
    end = (utcnow() + timedelta(hours=1)).isoformat()
    made = as_agent("callback", "add", "1", "--number", "+7 916 100-00-01", "--from", start, "--to", end,
                    "--note", "tariff question", "--json")
    callback = json.loads(made.stdout)["id"]
    listed = as_agent("callback", "list", "--due", "--json")
    assert callback in [c["id"] for c in json.loads(listed.stdout)]
    assert as_agent("task", "add", "Send the copy", "--priority", "low").exit_code == 0
    work = json.loads(as_agent("work", "--json").stdout)
    assert ("callback", callback) in [(w["kind"], w["id"]) for w in work]
    later = (utcnow() + timedelta(hours=2)).isoformat()
    moved = as_agent("callback", "reschedule", str(callback), "--from", start, "--to", later, "--json")
    assert json.loads(moved.stdout)["window_to"][:16] == later[:16]
    done = as_agent("callback", "done", str(callback), "--topic", "tariff_info")
    assert done.exit_code == 0 and f"callback {callback} done" in done.stdout
    assert callback not in [c["id"] for c in json.loads(as_agent("callback", "list", "--json").stdout)]
