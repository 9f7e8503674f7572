"""Outgoing webhooks on both databases, against a real HTTP receiver on a local port (no mocks): subscriptions
from the CLI, outbox rows written in the transaction of the change (and none for a rolled-back one), signed
deliveries, retries while the receiver is down, exactly one delivery when it is back, failure after the last
attempt, two deliverers at once, one-line CLI errors."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from conftest import owner_url
from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.inquiries import inquiry_actions
from crmterm.services.inquiries.problems import ProblemDraft, open_problem
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.services.integrations import delivery
from crmterm.services.integrations.subscriptions import add_subscription
from crmterm.settings import Settings, WebhookSettings
from crmterm.store import User, WebhookAttempt, WebhookOutbox, utcnow
from crmterm.store.db import unit_of_work
from helpers import ADMIN
from test_cli import app, runner

SECRET = "test-secret-0123456789"
DISPUTE = {"topic": "disputed_charge", "values": {"amount": "9000", "dispute_reason": "double_charge",
                                                   "charge_date": "2026-11-20", "approval_reference": "A-1"}}
CONTACT = {"channel": "phone", "place": "cc_msk", "inquiries": [DISPUTE]}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Receiver:
    """An HTTP server on a free port, not yet listening: `start()` it when the test wants it up."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.status = 200
        self.received: list[tuple[dict[str, str], bytes]] = []
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.stop()


@pytest.fixture
def as_user(demo_url, tmp_path):
    def run(login: str | None, *args: str, input: str | None = None):
        env = {"CRMTERM_HOME": str(tmp_path / "home"), "CRMTERM_USER": login, "CRMTERM_PASSWORD": login}
        where = owner_url(demo_url) if login is None else demo_url
        return runner.invoke(app, ["--db", where, *args], input=input, env=env)
    return run


def _json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _subscribe(url: str, kind: str, target: str) -> int:
    with unit_of_work(url) as session:
        return add_subscription(session=session, actor=ADMIN, kind=kind, url=target, secret=SECRET).id


def _outbox(url: str) -> list[WebhookOutbox]:
    with unit_of_work(url) as session:
        rows = session.exec(select(WebhookOutbox).order_by(col(WebhookOutbox.id))).all()
        session.expunge_all()
        return list(rows)


def _due_now(url: str) -> None:
    """Time moves on: every pending delivery's next attempt is due."""
    with unit_of_work(url) as session:
        session.execute(update(WebhookOutbox).values(next_attempt_at=utcnow() - timedelta(seconds=1)))


def test_cli_adds_lists_and_removes_webhooks(as_user):
    added = _json(as_user("admin", "webhook", "add", "inquiry.created", "https://hooks.example/in", "--json"))
    assert added["kind"] == "inquiry.created" and len(added["secret"]) == 64
    given = _json(as_user("admin", "webhook", "add", "sla.breach", "http://hooks.example/sla", "--secret", SECRET,
                          "--json"))
    assert given["secret"] == SECRET
    listed = _json(as_user("admin", "webhook", "list", "--json"))
    assert [(w["id"], w["kind"]) for w in listed] == [(added["id"], "inquiry.created"), (given["id"], "sla.breach")]
    assert all("secret" not in w for w in listed)
    kept = as_user("admin", "webhook", "remove", str(added["id"]), input="n\n")
    assert kept.exit_code == 1 and kept.stderr.strip() == "error: nothing removed"
    assert _json(as_user("admin", "webhook", "remove", str(added["id"]), "--yes", "--json"))["id"] == added["id"]
    assert [w["id"] for w in _json(as_user("admin", "webhook", "list", "--json"))] == [given["id"]]


@pytest.mark.parametrize(("args", "message"), [
    (("add", "inquiry.created", "ftp://hooks.example/x"), "error: url: an http:// or https:// address is expected"),
    (("add", "inquiry.created", "http:///nohost"), "error: url: an http:// or https:// address is expected"),
    (("add", "inquiry.lost", "https://hooks.example/x"), "error: kind: one of: inquiry.created"),
    (("add", "inquiry.created", "https://hooks.example/x", "--secret", "short"), "error: secret: a secret is 16"),
    (("remove", "999", "--yes"), "error: Webhook '999' not found"),
])
def test_cli_errors_are_one_line(as_user, args, message):
    result = as_user("admin", "webhook", *args)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith(message) and len(result.stderr.strip().splitlines()) == 1


def test_only_admins_manage_and_deliver_webhooks(as_user):
    for args in (("add", "inquiry.created", "https://hooks.example/x"), ("list",), ("log",), ("deliver", "--once"),
                 ("remove", "1", "--yes")):
        result = as_user("supervisor", "webhook", *args)
        assert result.exit_code == 1 and result.stderr.startswith("error: supervisor may not do this"), args


def test_created_and_moved_inquiries_fill_the_outbox_in_their_transaction(demo_url, as_user):
    created = _subscribe(demo_url, "inquiry.created", "https://hooks.example/created")
    moved = _subscribe(demo_url, "inquiry.moved", "https://hooks.example/moved")
    _subscribe(demo_url, "problem.opened", "https://hooks.example/problems")
    inquiry = _json(as_user("agent", "contact", "register", "-", "--json", input=json.dumps(CONTACT)))["inquiry_ids"][0]
    as_user("agent", "inquiry", "take", "--queue", "first_line")
    assert as_user("agent", "inquiry", "move", str(inquiry), "-T", "to_billing").exit_code == 0
    rows = _outbox(demo_url)
    assert [(r.subscription_id, r.kind) for r in rows] == [(created, "inquiry.created"), (moved, "inquiry.moved")]
    first, second = (r.payload for r in rows)
    assert first["event"] == "inquiry.created" and first["inquiry"]["id"] == inquiry
    assert {k: first["inquiry"][k] for k in ("topic", "state", "queue", "step")} == {
        "topic": "disputed_charge", "state": "waiting", "queue": "first_line", "step": first["inquiry"]["step"]}
    assert first["inquiry"]["step"] is not None
    assert (second["inquiry"]["queue"], second["inquiry"]["state"], second["data"]["log_event"]) == (
        "billing_bo", "waiting", "moved")
    shown = _json(as_user("agent", "inquiry", "show", str(inquiry), "--json"))
    assert {k: shown[k] for k in ("id", "topic", "state", "queue", "step")} == {
        k: second["inquiry"][k] for k in ("id", "topic", "state", "queue", "step")}  # the CLI's names and values


def test_a_rolled_back_change_publishes_nothing(demo_url):
    _subscribe(demo_url, "inquiry.created", "https://hooks.example/created")
    with pytest.raises(RuntimeError), unit_of_work(demo_url) as session:
        agent = _agent(demo_url)
        register(session=session, actor=agent, draft=ContactDraft.model_validate(CONTACT))
        assert len(session.exec(select(WebhookOutbox)).all()) == 1  # written with the inquiry…
        raise RuntimeError("the contact is abandoned")
    assert _outbox(demo_url) == []  # …and gone with it


def _agent(url: str) -> Actor:
    with unit_of_work(url) as session:
        user = session.exec(select(User).where(User.login == "agent")).one()
        return Actor(login="agent", role=Role(user.role_code), id=user.id, display_name=user.display_name)


def _verify(headers: dict[str, str], body: bytes, secret: str = SECRET) -> dict:
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["x-crmterm-signature"], expected)
    assert headers["content-type"] == "application/json"
    return json.loads(body)


def test_deliver_retries_while_the_receiver_is_down_then_delivers_once(demo_url, as_user, receiver):
    _subscribe(demo_url, "inquiry.created", receiver.url)
    inquiry = _json(as_user("agent", "contact", "register", "-", "--json", input=json.dumps(CONTACT)))["inquiry_ids"][0]
    down = _json(as_user("admin", "webhook", "deliver", "--once", "--json"))
    assert (down["delivered"], down["retrying"], down["failed"]) == (0, 1, 0)
    [attempt] = _json(as_user("admin", "webhook", "log", "--json"))
    assert attempt["status"] is None and attempt["error"].startswith("ConnectError")
    assert attempt["state"] == "pending" and attempt["attempts"] == 1 and attempt["next_attempt_at"] is not None
    assert _json(as_user("admin", "webhook", "deliver", "--once", "--json"))["retrying"] == 0  # not due yet
    receiver.start()
    _due_now(demo_url)
    back = _json(as_user("admin", "webhook", "deliver", "--once", "--json"))
    assert (back["delivered"], back["retrying"]) == (1, 0)
    assert _json(as_user("admin", "webhook", "deliver", "--once", "--json"))["delivered"] == 0
    [(headers, body)] = receiver.received
    payload = _verify(headers, body)
    [row] = _outbox(demo_url)
    assert headers["x-crmterm-event"] == "inquiry.created" and headers["x-crmterm-delivery"] == str(row.id)
    assert payload["event"] == "inquiry.created" and payload["inquiry"]["id"] == inquiry
    assert (row.state, row.attempts, row.last_status) == ("delivered", 2, 200)
    log = _json(as_user("admin", "webhook", "log", "--json"))
    assert [(a["status"], a["delivered"]) for a in log] == [(200, True), (None, False)]
    assert [a["delivered"] for a in _json(as_user("admin", "webhook", "log", "--failed", "--json"))] == [False]


def test_a_refusing_receiver_fails_for_good_after_the_last_attempt(demo_url, receiver):
    receiver.status = 500
    receiver.start()
    _subscribe(demo_url, "problem.opened", receiver.url)
    with unit_of_work(demo_url) as session:
        problem = open_problem(session=session, actor=ADMIN, draft=ProblemDraft(title="No internet in Moscow"))
    settings = Settings(database_url=demo_url, webhooks=WebhookSettings(max_attempts=2, timeout=5))
    first = delivery.deliver(settings=settings, actor=ADMIN)
    assert (first.retrying, first.failed, first.errors[0].endswith("HTTP 500")) == (1, 0, True)
    _due_now(demo_url)
    assert delivery.deliver(settings=settings, actor=ADMIN).failed == 1
    _due_now(demo_url)
    assert delivery.deliver(settings=settings, actor=ADMIN).failed == 0  # nothing more is tried
    [row] = _outbox(demo_url)
    assert (row.state, row.attempts, row.last_status) == ("failed", 2, 500)
    assert len(receiver.received) == 2
    sent = _verify(*receiver.received[0])
    assert (sent["event"], sent["problem"]["id"], sent["problem"]["title"]) == (
        "problem.opened", problem.id, "No internet in Moscow")


def test_two_deliverers_at_once_post_each_row_once(demo_url, receiver):
    receiver.start()
    _subscribe(demo_url, "inquiry.created", receiver.url)
    agent = _agent(demo_url)
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
    assert ids == [r.id for r in _outbox(demo_url)] and sum(r.delivered for r in reports) == 6
    with unit_of_work(demo_url) as session:
        assert len(session.exec(select(WebhookAttempt)).all()) == 6


def test_only_admins_database_logins_read_webhook_secrets(postgresql_url, pg_server):
    """Per-user logins (store/role_groups): an agent's login publishes (reads a subscription's id and kind,
    inserts into the outbox) but cannot read the secret, nor add a subscription behind the services' back."""
    import psycopg
    from sqlalchemy.engine import make_url

    subscription = _subscribe(postgresql_url, "inquiry.created", "https://hooks.example/in")
    database = make_url(postgresql_url).database
    superuser = make_url(pg_server).set(drivername="postgresql", database=database)
    with psycopg.connect(superuser.render_as_string(hide_password=False), autocommit=True) as connection:
        for group in ("crmterm_agent", "crmterm_supervisor", "crmterm_auditor"):
            connection.execute(f'SET ROLE "{group}"')
            assert connection.execute("SELECT id, kind, removed_at FROM webhook_subscription").fetchall() == [
                (subscription, "inquiry.created", None)]
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                connection.execute("SELECT secret FROM webhook_subscription")
            connection.execute("RESET ROLE")
        connection.execute('SET ROLE "crmterm_agent"')
        connection.execute("INSERT INTO webhook_outbox (subscription_id, kind, payload, created_at, state, attempts,"
                           " next_attempt_at) VALUES (%s, 'inquiry.created', '{}', now(), 'pending', 0, now())",
                           (subscription,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute("INSERT INTO webhook_subscription (kind, url, secret, created_at, created_by) "
                               "VALUES ('inquiry.created', 'https://evil.example', 'x', now(), 'agent')")
        connection.execute('RESET ROLE; SET ROLE "crmterm_admin"')
        assert connection.execute("SELECT secret FROM webhook_subscription").fetchone() == (SECRET,)


def test_an_sla_breach_and_a_closed_problem_publish_their_events(demo_url):
    from crmterm.services.inquiries.problem_close import close_problem
    from crmterm.services.inquiries.problem_links import link
    from crmterm.services.sla import sla_scan
    from helpers import SUPERVISOR

    for kind in ("sla.warning", "sla.breach", "problem.closed", "inquiry.closed"):
        _subscribe(demo_url, kind, f"https://hooks.example/{kind}")
    agent = _agent(demo_url)
    invoice = {"channel": "phone", "place": "cc_msk", "inquiries": [{"topic": "invoice_copy", "priority": "normal"}]}
    with unit_of_work(demo_url) as session:
        inquiry = register(session=session, actor=agent, draft=ContactDraft.model_validate(invoice)).inquiry_ids[0]
        inquiry_actions.take(session=session, actor=agent, inquiry_id=inquiry)
    with unit_of_work(demo_url) as session:  # days later: past the warning and the deadline, a breach
        sla_scan.scan(session=session, actor=SUPERVISOR, now=utcnow() + timedelta(days=3))
    with unit_of_work(demo_url) as session:
        problem = open_problem(session=session, actor=SUPERVISOR, draft=ProblemDraft(title="Billing is down"))
        link(session=session, actor=agent, problem_id=problem.id, inquiry_id=inquiry)
        close_problem(session=session, actor=SUPERVISOR, problem_id=problem.id, resolution="fixed")
    sent = [(r.kind, r.payload) for r in _outbox(demo_url)]
    assert [kind for kind, _payload in sent] == ["sla.breach", "problem.closed", "inquiry.closed"]
    breach, closed_problem, closed = (payload for _kind, payload in sent)
    assert breach["inquiry"]["id"] == inquiry and breach["data"]["clock"] == "resolve"
    assert (closed_problem["problem"]["id"], closed_problem["problem"]["state"]) == (problem.id, "closed")
    assert (closed["inquiry"]["id"], closed["inquiry"]["state"]) == (inquiry, "closed")
