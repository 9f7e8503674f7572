"""Delivering webhooks on both databases to a real HTTP receiver on a local port (no mocks): signed JSON,
retries with the attempt logged while the receiver is down, exactly one delivery when it is back, failure
after the last attempt, and two deliverers at once posting each row once."""

from __future__ import annotations

import json
import threading

from sqlmodel import select

from crmterm.services.inquiries.problems import ProblemDraft, open_problem
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.services.integrations import delivery
from crmterm.settings import Settings, WebhookSettings
from crmterm.store import WebhookAttempt
from crmterm.store.db import unit_of_work
from helpers import ADMIN
from webhook_helpers import (  # noqa: F401 - fixtures
    CONTACT, agent_of, as_user, cli_json, due_now, outbox_rows, receiver, subscribe, verify,
)


def test_deliver_retries_while_the_receiver_is_down_then_delivers_once(demo_url, as_user, receiver):
    subscribe(demo_url, "inquiry.created", receiver.url)
    inquiry = cli_json(as_user("agent", "contact", "register", "-", "--json", input=json.dumps(CONTACT)))["inquiry_ids"][0]
    down = cli_json(as_user("admin", "webhook", "deliver", "--once", "--json"))
    assert (down["delivered"], down["retrying"], down["failed"]) == (0, 1, 0)
    [attempt] = cli_json(as_user("admin", "webhook", "log", "--json"))
    assert attempt["status"] is None and attempt["error"].startswith("ConnectError")
    assert attempt["state"] == "pending" and attempt["attempts"] == 1 and attempt["next_attempt_at"] is not None
    assert cli_json(as_user("admin", "webhook", "deliver", "--once", "--json"))["retrying"] == 0  # not due yet
    receiver.start()
    due_now(demo_url)
    back = cli_json(as_user("admin", "webhook", "deliver", "--once", "--json"))
    assert (back["delivered"], back["retrying"]) == (1, 0)
    assert cli_json(as_user("admin", "webhook", "deliver", "--once", "--json"))["delivered"] == 0
    [(headers, body)] = receiver.received
    payload = verify(headers, body)
    [row] = outbox_rows(demo_url)
    assert headers["x-crmterm-event"] == "inquiry.created" and headers["x-crmterm-delivery"] == str(row.id)
    assert payload["event"] == "inquiry.created" and payload["inquiry"]["id"] == inquiry
    assert (row.state, row.attempts, row.last_status) == ("delivered", 2, 200)
    log = cli_json(as_user("admin", "webhook", "log", "--json"))
    assert [(a["status"], a["delivered"]) for a in log] == [(200, True), (None, False)]
    assert [a["delivered"] for a in cli_json(as_user("admin", "webhook", "log", "--failed", "--json"))] == [False]


def test_a_refusing_receiver_fails_for_good_after_the_last_attempt(demo_url, receiver):
    receiver.status = 500
    receiver.start()
    subscribe(demo_url, "problem.opened", receiver.url)
    with unit_of_work(demo_url) as session:
        problem = open_problem(session=session, actor=ADMIN, draft=ProblemDraft(title="No internet in Moscow"))
    settings = Settings(database_url=demo_url, webhooks=WebhookSettings(max_attempts=2, timeout=5))
    first = delivery.deliver(settings=settings, actor=ADMIN)
    assert (first.retrying, first.failed, first.errors[0].endswith("HTTP 500")) == (1, 0, True)
    due_now(demo_url)
    assert delivery.deliver(settings=settings, actor=ADMIN).failed == 1
    due_now(demo_url)
    assert delivery.deliver(settings=settings, actor=ADMIN).failed == 0  # nothing more is tried
    [row] = outbox_rows(demo_url)
    assert (row.state, row.attempts, row.last_status) == ("failed", 2, 500)
    assert len(receiver.received) == 2
    sent = verify(*receiver.received[0])
    assert (sent["event"], sent["problem"]["id"], sent["problem"]["title"]) == (
        "problem.opened", problem.id, "No internet in Moscow")


def test_two_deliverers_at_once_post_each_row_once(demo_url, receiver):
    receiver.start()
    subscribe(demo_url, "inquiry.created", receiver.url)
    agent = agent_of(demo_url)
    for _round in range(6):
        with unit_of_work(demo_url) as session:
            register(session=session, actor=agent, draft=ContactDraft.model_validate(CONTACT))
    settings = Settings(database_url=demo_url)
    reports = []
    workers = [threading.Thread(target=lambda: reports.append(delivery.deliver(settings=settings, actor=ADMIN,
                                                                               batch=2))) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    ids = sorted(int(headers["x-crmterm-delivery"]) for headers, _body in receiver.received)
    assert ids == [r.id for r in outbox_rows(demo_url)] and sum(r.delivered for r in reports) == 6
    with unit_of_work(demo_url) as session:
        assert len(session.exec(select(WebhookAttempt)).all()) == 6
