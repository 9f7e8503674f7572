"""Notifications on both databases: templates per language, recipients (mailing lists, users, groups), the
route's notify action, the in-app inbox, and delivery over SMTP against a local aiosmtpd server — stopped
(nothing lost, attempts recorded, backoff), started (each message exactly once, also with two deliverers),
a permanent refusal, the last attempt, a retry."""

from __future__ import annotations

import socket
import threading
from datetime import UTC, datetime, timedelta
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from crmterm.errors import PermissionDenied, ValidationError
from crmterm.services.inquiries import inquiry_actions
from crmterm.services.sla import notification_inbox as inbox
from crmterm.services.sla.notification_delivery import backoff, deliver
from crmterm.services.sla.notification_templates import render
from crmterm.services.sla.notifications import notify
from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.settings import MailSettings, Settings
from crmterm.store import InquiryEvent, Notification, User
from crmterm.store.db import unit_of_work
from helpers import ADMIN, AGENT

T0 = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)


class Collector:
    """An aiosmtpd handler keeping every accepted message; refuses recipients at bad@… with a 550."""

    def __init__(self) -> None:
        self.messages: list = []
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("bad@"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def recipients(self) -> list[str]:
        return sorted(m["To"] for m in self.messages)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    """A local SMTP server on a free port, not yet listening: `start()` it when the test wants it up."""
    port = _free_port()
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    collector.port, collector.start = port, controller.start
    yield collector
    if getattr(controller, "_thread", None) is not None:
        controller.stop()


def _settings(url: str, smtp: Collector | None, **mail) -> Settings:
    """Mail settings for the test server (None: a port where nothing listens)."""
    port = smtp.port if smtp is not None else _free_port()
    return Settings(database_url=url, mail=MailSettings(host="127.0.0.1", port=port, timeout=5,
                                                        sender="crm@telenova.example", **mail))


def _enqueue(url: str, addresses: list[str], key: str = "k", now: datetime = T0) -> list[int]:
    with unit_of_work(url) as session:
        return notify(session=session, event="message", recipients=addresses, key=key, now=now,
                      data={"subject": "Planned works", "text": "Line one\nline <two>"})


def _rows(url: str) -> dict[str, Notification]:
    with unit_of_work(url) as session:
        return {row.address or str(row.user_id): row for row in session.exec(select(Notification))}


# --- templates --------------------------------------------------------------------------------------------

def test_templates_render_per_language_and_escape_html_only():
    data = {"inquiry_id": 7, "topic": {"en": "Disputed charge", "ru": "Спорное начисление"},
            "transition": {"en": "Needs finance approval", "ru": "Требует согласования"},
            "from_step": {"en": "Billing review", "ru": "Проверка биллингом"}, "to_step": {"en": "Finance"},
            "actor": "Olga", "customer": "<Romashka & Co>"}
    ru, en = render("inquiry_transition", "ru", data), render("inquiry_transition", "en", data)
    assert ru.subject == "Обращение №7: Требует согласования" and ru.template == "inquiry_transition/ru"
    assert "«Проверка биллингом» в этап «Finance»" in ru.text  # a missing label falls back to English
    assert en.subject == "Inquiry #7: Needs finance approval"
    assert "Customer: <Romashka & Co>" in en.text and "&lt;Romashka &amp; Co&gt;" in en.html
    assert render("inquiry_transition", "bg", data).template == "inquiry_transition/en"
    with pytest.raises(ValidationError, match="no notification templates for 'nonsense'"):
        render("nonsense", "en", {})


def test_a_template_is_sandboxed_and_a_broken_one_falls_back(tmp_path):
    (tmp_path / "probe").mkdir()
    (tmp_path / "probe" / "en.subject").write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    (tmp_path / "probe" / "en.txt").write_text("x")
    rendered = render("probe", "en", {"n": 1}, roots=(tmp_path,))
    assert rendered.error and "SecurityError" in rendered.error
    assert rendered.subject == "crmterm: probe" and '"n": 1' in rendered.text


# --- recipients and enqueueing ---------------------------------------------------------------------------

def test_a_mailing_list_becomes_e_mail_per_address_and_in_app_for_users_on_it(demo_url):
    with unit_of_work(demo_url) as session:
        agent = session.exec(select(User).where(User.login == "agent")).one()
        agent.email = "Billing@TeleNova.example"  # agent (Russian) reads the billing team's mail
        session.add(agent)
    with unit_of_work(demo_url) as session:
        created = notify(session=session, event="sla_breach", key="breach-1", now=T0,
                         recipients=["list:billing_team", "user:admin", "group:l1", "ops@telenova.example"],
                         data={"inquiry_id": 3, "topic": {"en": "Roaming", "ru": "Роуминг"}})
    rows = _rows(demo_url)
    assert len(created) == len(rows) == 6  # billing@, ops@; in-app: agent (once), admin, agent2, supervisor
    assert rows["billing@telenova.example"].language == "ru"
    assert rows["billing@telenova.example"].subject == "Просрочено: обращение №3 (Роуминг)"
    assert rows["ops@telenova.example"].language == "en" and rows["ops@telenova.example"].state == "pending"
    in_app = [r for r in rows.values() if r.channel == "in_app"]
    assert {r.state for r in in_app} == {"sent"} and all(r.next_attempt_at is None for r in in_app)
    assert {r.user_id for r in in_app} == {1, 2, 3, 4}  # admin, supervisor (l1), agent, agent2


def test_enqueueing_the_same_occurrence_again_adds_nothing(demo_url):
    assert len(_enqueue(demo_url, ["a@x.example", "list:noc"])) == 3
    assert _enqueue(demo_url, ["a@x.example", "list:noc", "b@x.example"]) != []  # only b@ is new
    assert len(_rows(demo_url)) == 4
    with unit_of_work(demo_url) as session:
        with pytest.raises(ValidationError, match="not a recipient"):
            notify(session=session, event="message", recipients=["queue:l1"], data={})


def _agent(url: str) -> Actor:
    with unit_of_work(url) as session:
        user = session.exec(select(User).where(User.login == "agent")).one()
        return Actor(login="agent", role=Role(user.role_code), id=user.id, display_name=user.display_name)


def test_the_route_notify_action_enqueues_for_its_mailing_list(demo_url):
    draft = ContactDraft(channel="phone", place="cc_msk", customer=1, inquiries=[{
        "topic": "disputed_charge", "values": {"amount": "7000", "dispute_reason": "double_charge",
                                               "charge_date": "2026-11-20", "approval_reference": "A-1"}}])
    with unit_of_work(demo_url) as session:
        inquiry_id = register(session=session, actor=AGENT, draft=draft).inquiry_ids[0]
    agent = _agent(demo_url)
    for step in ("take", "to_billing", "take", "approve"):
        with unit_of_work(demo_url) as session:
            if step == "take":
                inquiry_actions.take(session=session, actor=agent, inquiry_id=inquiry_id)
            else:
                inquiry_actions.move(session=session, actor=agent, inquiry_id=inquiry_id, transition=step)
    rows = list(_rows(demo_url).values())
    assert [(r.channel, r.address, r.event, r.inquiry_id) for r in rows] == [
        ("email", "billing@telenova.example", "inquiry_transition", inquiry_id)]
    assert rows[0].subject == f"Inquiry #{inquiry_id}: Needs finance approval"
    assert "from \"Billing review\" to \"Finance approval\"" in rows[0].body and "By: Olga Ivanova" in rows[0].body
    with unit_of_work(demo_url) as session:
        event = session.exec(select(InquiryEvent).where(InquiryEvent.kind == "notified")).one()
    assert event.data == {"mailing_list": "billing_team", "notifications": [rows[0].id]}


# --- the in-app inbox --------------------------------------------------------------------------------------

def test_inbox_pages_newest_first_counts_unread_and_marks_read(demo_url):
    agent = _agent(demo_url)
    for n in range(7):
        with unit_of_work(demo_url) as session:
            notify(session=session, event="message", recipients=["user:agent", "user:admin"], key=f"m{n}",
                   data={"subject": f"Note {n}", "text": "…"}, now=T0 + timedelta(minutes=n))
    with unit_of_work(demo_url) as session:
        first = inbox.inbox(session=session, actor=agent, limit=5)
        rest = inbox.inbox(session=session, actor=agent, before=first.cursor, limit=5)
        assert [r.subject for r in first.rows + rest.rows] == [f"Note {n}" for n in range(6, -1, -1)]
        assert rest.cursor is None and inbox.unread_count(session=session, actor=agent) == 7
        assert inbox.mark_read(session=session, actor=agent, ids=[first.rows[0].id, rest.rows[0].id]) == 2
        assert inbox.unread_count(session=session, actor=agent) == 5
        assert inbox.mark_read(session=session, actor=agent) == 5
        assert inbox.unread_count(session=session, actor=agent) == 0
        admin = Actor(login="admin", role=Role.ADMIN, id=1)
        assert inbox.unread_count(session=session, actor=admin) == 7  # the agent read only their own
        with pytest.raises(PermissionDenied):
            inbox.outbox(session=session, actor=agent)
        assert len(inbox.outbox(session=session, actor=ADMIN, state="read").rows) == 7


# --- delivery ----------------------------------------------------------------------------------------------

def test_with_the_server_down_nothing_is_lost_then_each_message_goes_exactly_once(db_url, smtp):
    _enqueue(db_url, ["a@x.example", "b@x.example", "c@x.example"])
    settings = _settings(db_url, smtp, backoff_seconds=60, max_attempts=5)
    report = deliver(settings=settings, now=T0)
    assert (report.sent, report.retrying, report.failed) == (0, 3, 0)
    assert deliver(settings=settings, now=T0 + timedelta(seconds=59)).retrying == 0  # backing off
    assert deliver(settings=settings, now=T0 + timedelta(seconds=60)).retrying == 3
    rows = _rows(db_url)
    assert {(r.state, r.attempts, r.next_attempt_at) for r in rows.values()} == {
        ("pending", 2, T0 + timedelta(seconds=60 + 120))}
    assert "Connection" in rows["a@x.example"].last_error and smtp.messages == []

    smtp.start()
    report = deliver(settings=settings, now=T0 + timedelta(hours=1))
    assert (report.sent, report.retrying) == (3, 0) and smtp.recipients() == ["a@x.example", "b@x.example",
                                                                             "c@x.example"]
    assert deliver(settings=settings, now=T0 + timedelta(hours=2)).sent == 0 and len(smtp.messages) == 3
    rows = _rows(db_url)
    assert {(r.state, r.attempts, r.last_error) for r in rows.values()} == {("sent", 3, None)}
    message = smtp.messages[0]
    assert message["Subject"] == "Planned works" and message["From"] == "crm@telenova.example"
    assert message["Message-ID"].startswith("<crmterm.") and message.is_multipart()


def test_two_deliverers_at_once_send_each_message_once(db_url, smtp):
    addresses = [f"user{n}@x.example" for n in range(24)]
    _enqueue(db_url, addresses)
    smtp.start()
    settings = _settings(db_url, smtp)
    reports = []
    workers = [threading.Thread(target=lambda: reports.append(deliver(settings=settings, now=T0, batch=4)))
               for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sum(r.sent for r in reports) == 24 and smtp.recipients() == sorted(addresses)
    assert {r.state for r in _rows(db_url).values()} == {"sent"}


def test_a_refused_recipient_fails_at_once_and_the_last_attempt_fails_for_good(db_url, smtp):
    _enqueue(db_url, ["bad@x.example", "good@x.example"])
    settings = _settings(db_url, smtp, max_attempts=2, backoff_seconds=10)
    smtp.start()
    report = deliver(settings=settings, now=T0)
    assert (report.sent, report.failed) == (1, 1) and "550" in _rows(db_url)["bad@x.example"].last_error

    _enqueue(db_url, ["late@x.example"], key="other")
    dead = _settings(db_url, None, max_attempts=2, backoff_seconds=10)
    assert deliver(settings=dead, now=T0).retrying == 1
    assert deliver(settings=dead, now=T0 + timedelta(seconds=10)).failed == 1
    with unit_of_work(db_url) as session:
        failed = inbox.outbox(session=session, actor=ADMIN, state="failed").rows
        assert sorted(r.recipient for r in failed) == ["bad@x.example", "late@x.example"]
        late = next(r for r in failed if r.recipient == "late@x.example")
        assert inbox.retry(session=session, actor=ADMIN, notification_id=late.id, now=T0).state == "pending"
    assert deliver(settings=settings, now=T0 + timedelta(minutes=1)).sent == 1
    assert "late@x.example" in smtp.recipients()


def test_backoff_doubles_up_to_its_cap():
    mail = MailSettings(backoff_seconds=60, backoff_max_seconds=300)
    assert [backoff(mail, n).seconds for n in (1, 2, 3, 4, 5)] == [60, 120, 240, 300, 300]


def test_cli_delivers_lists_failures_and_retries(db_url, smtp, tmp_path):
    import json

    from crmterm.store import utcnow
    from conftest import owner_url
    from test_cli import app, runner

    _enqueue(db_url, ["bad@x.example", "ok@x.example"], now=utcnow())
    smtp.start()
    env = {"CRMTERM_HOME": str(tmp_path / "home"), "CRMTERM_SMTP_HOST": "127.0.0.1",
           "CRMTERM_SMTP_PORT": str(smtp.port), "CRMTERM_SMTP_PASSWORD": "never-shown"}

    def run(*args: str):
        result = runner.invoke(app, ["--db", owner_url(db_url), "notify", *args, "--json"], env=env)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    assert run("deliver", "--once") | {"errors": []} == {"sent": 1, "retrying": 0, "failed": 1, "errors": []}
    failed = run("list", "--state", "failed")["rows"]
    assert [(r["recipient"], r["attempts"]) for r in failed] == [("bad@x.example", 1)]
    assert "550" in failed[0]["last_error"] and "never-shown" not in json.dumps(failed)
    assert run("retry", str(failed[0]["id"]))["state"] == "pending"
    assert [r["recipient"] for r in run("list", "--state", "pending")["rows"]] == ["bad@x.example"]
