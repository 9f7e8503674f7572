"""SLA monitoring on both databases, with the demo's regulations and escalation rules
(data/seed/demo_escalations.yaml) and a clock the test sets: warning moments computed with the deadlines, a
scan past the warning and past the deadline (marked once, logged, escalated per rule, notified), a second
scan doing nothing, CEL conditions, the reaction clock only while waiting, closed inquiries leaving the scan,
concurrent scanners, escalation rules as a directory area, the CLI, and the badges and overdue count."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import func, select

from crmterm.errors import PermissionDenied, ValidationError
from crmterm.services.directory import directory
from crmterm.services.inquiries import inquiry_actions
from crmterm.services.routing import routing
from crmterm.services.sla import sla_scan, sla_status
from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.store import Inquiry, InquiryEvent, Notification, Priority, Queue, SlaMark
from crmterm.store.db import unit_of_work
from helpers import ADMIN, AGENT, SUPERVISOR
from conftest import owner_url
from test_cli import app, runner

DISPUTE = {"topic": "disputed_charge", "values": {"amount": "100", "dispute_reason": "double_charge",
                                                  "charge_date": "2027-02-01"}}
INVOICE = {"topic": "invoice_copy", "priority": "normal"}
T0 = datetime(2027, 3, 1, 9, tzinfo=UTC)  # a Monday; the first line works 24×7, its step budget is 8 hours
WORKER = Actor(login="agent", role=Role.AGENT, id=3)  # the demo's agent (taking work needs the id)


@pytest.fixture
def clock(monkeypatch):
    """The time the services see (routing, moves, escalations), set by the test."""
    class Clock:
        now = T0

    for module in (routing, inquiry_actions):
        monkeypatch.setattr(module, "utcnow", lambda: Clock.now)
    return Clock


def raise_(url: str, *inquiries: dict, **contact) -> list[int]:
    draft = ContactDraft.model_validate({"channel": "phone", "place": "cc_msk", "inquiries": list(inquiries),
                                         **contact})
    with unit_of_work(url) as session:
        return register(session=session, actor=WORKER, draft=draft).inquiry_ids


def scan(url: str, now: datetime) -> sla_scan.ScanReport:
    with unit_of_work(url) as session:
        return sla_scan.scan(session=session, actor=SUPERVISOR, now=now)


def take(url: str, inquiry_id: int) -> None:
    with unit_of_work(url) as session:
        inquiry_actions.take(session=session, actor=WORKER, inquiry_id=inquiry_id)


def row(url: str, inquiry_id: int) -> Inquiry:
    with unit_of_work(url) as session:
        found = session.get(Inquiry, inquiry_id)
        session.expunge(found)
        return found


def events(url: str, inquiry_id: int) -> list[tuple[str, str, dict]]:
    with unit_of_work(url) as session:
        return [(e.kind, e.actor, e.data) for e in session.exec(
            select(InquiryEvent).where(InquiryEvent.inquiry_id == inquiry_id).order_by(InquiryEvent.id))]


def notices(url: str) -> list[tuple[str, str | None, str | None]]:
    """(event, user login or address) of every notification, oldest first."""
    from crmterm.store import User

    with unit_of_work(url) as session:
        return [(n.event, login or n.address) for n, login in session.exec(
            select(Notification, User.login).outerjoin(User, User.id == Notification.user_id)
            .order_by(Notification.id))]


def counts(report: sla_scan.ScanReport) -> tuple[int, int, int]:
    return report.warned, report.breached, report.escalated


def test_deadlines_come_with_their_warning_moments_and_the_next_look(demo_url, clock):
    dispute, = raise_(demo_url, DISPUTE)
    found = row(demo_url, dispute)  # reaction 1 h, the step's 8 h first: warnings at 80 % of each
    assert (found.react_due_at, found.react_warn_at) == (T0 + timedelta(hours=1), T0 + timedelta(minutes=48))
    assert (found.due_at, found.warn_at) == (T0 + timedelta(hours=8), T0 + timedelta(hours=6.4))
    assert found.sla_check_at == found.react_warn_at
    assert scan(demo_url, T0 + timedelta(minutes=47)).checked == 0  # nothing due yet: not even looked at


def test_a_warning_is_marked_once_and_reminds_the_assignee(demo_url, clock):
    dispute, = raise_(demo_url, DISPUTE)
    clock.now = T0 + timedelta(minutes=10)
    take(demo_url, dispute)  # taken in time: the reaction clock no longer counts
    at = T0 + timedelta(hours=6, minutes=30)
    report = scan(demo_url, at)
    assert (report.checked, counts(report)) == (1, (1, 0, 1))  # demo rule deadline_near
    assert events(demo_url, dispute)[-1] == ("sla_warning", "sla", {
        "clock": "resolve", "due": (T0 + timedelta(hours=8)).isoformat(), "rules": ["deadline_near"]})
    assert notices(demo_url) == [("sla_warning", "agent")]
    assert row(demo_url, dispute).sla_check_at == T0 + timedelta(hours=8)  # next: the deadline itself
    again = scan(demo_url, at)
    assert (again.checked, counts(again)) == (0, (0, 0, 0))
    assert len(notices(demo_url)) == 1 and [k for k, _a, _d in events(demo_url, dispute)].count("sla_warning") == 1


def test_a_breach_raises_the_priority_and_notifies_once(demo_url, clock):
    invoice, = raise_(demo_url, INVOICE)  # normal priority
    clock.now = T0 + timedelta(minutes=10)
    take(demo_url, invoice)
    at = T0 + timedelta(hours=9)  # past the warning and the deadline: the breach is reported, not the warning
    report = scan(demo_url, at)
    assert counts(report) == (0, 1, 1)
    with unit_of_work(demo_url) as session:
        priority = session.exec(select(Priority.code).join(Inquiry, Inquiry.priority_id == Priority.id)
                                .where(Inquiry.id == invoice)).one()
        marks = session.exec(select(SlaMark.clock, SlaMark.level)).all()
    assert priority == "high" and marks == [("resolve", "breach")]
    kinds = [kind for kind, _actor, _data in events(demo_url, invoice)]
    assert kinds.count("sla_breach") == 1 and kinds.index("sla_breach") < kinds.index("priority_changed")
    # overdue: the assignee, the first line's administrator (supervisor) and the supervisors' mailing list
    assert sorted(notices(demo_url)) == [("sla_breach", "agent"), ("sla_breach", "cc-supervisors@telenova.example"),
                                         ("sla_breach", "supervisor")]
    assert row(demo_url, invoice).sla_check_at is None  # every moment has passed and is marked
    assert counts(scan(demo_url, at)) == (0, 0, 0) and len(notices(demo_url)) == 3
    assert counts(scan(demo_url, at + timedelta(days=1))) == (0, 0, 0)


def test_a_condition_limits_a_rule_and_moves_go_to_the_escalation_queue(demo_url, clock):
    with unit_of_work(demo_url) as session:
        directory.create_entry(session=session, actor=ADMIN, kind="escalations", values={
            "code": "complaints_up", "labels": {"en": "Complaints to the back office"}, "clock": "resolve",
            "when": "breach", "condition": 'inquiry.type == "complaint"', "queue": "back_office", "sort_order": 1})
    dispute, invoice = raise_(demo_url, DISPUTE, INVOICE)
    clock.now = T0 + timedelta(hours=9)
    report = scan(demo_url, clock.now)  # neither taken: reaction and resolution breached
    assert counts(report) == (0, 4, 5)  # 2 × react_late; dispute: complaints_up + overdue, invoice: overdue
    moved, stayed = row(demo_url, dispute), row(demo_url, invoice)
    with unit_of_work(demo_url) as session:
        queues = dict(session.exec(select(Queue.id, Queue.code)).all())
    assert (queues[moved.queue_id], queues[stayed.queue_id]) == ("back_office", "first_line")
    transferred = [e for e in events(demo_url, dispute) if e[0] == "transferred"]
    assert transferred == [("transferred", "sla", {"to": "back_office"})]
    # a new queue: its reaction and step clocks restart, and the scan will look again at the new warning
    assert (moved.react_due_at, moved.due_at) == (clock.now + timedelta(hours=1), clock.now + timedelta(hours=8))
    assert moved.sla_check_at == clock.now + timedelta(minutes=48)


def test_the_reaction_clock_counts_only_while_the_inquiry_waits(demo_url, clock):
    waiting, taken = raise_(demo_url, INVOICE, INVOICE)
    take(demo_url, taken)
    report = scan(demo_url, T0 + timedelta(hours=1, minutes=5))
    assert counts(report) == (0, 1, 1)  # the waiting one: react_late tells the queue's administrator
    found = [(kind, data["clock"]) for kind, _actor, data in events(demo_url, waiting) if kind.startswith("sla_")]
    assert found == [("sla_breach", "react")]
    assert not [k for k, _a, _d in events(demo_url, taken) if k.startswith("sla_")]
    assert notices(demo_url) == [("sla_breach", "supervisor")]


def test_closed_inquiries_leave_the_scan_and_a_new_deadline_warns_again(demo_url, clock):
    closed, kept = raise_(demo_url, INVOICE, INVOICE)
    with unit_of_work(demo_url) as session:
        inquiry_actions.cancel(session=session, actor=SUPERVISOR, inquiry_id=closed, text="duplicate")
    clock.now = T0 + timedelta(minutes=5)
    take(demo_url, kept)
    assert counts(scan(demo_url, T0 + timedelta(hours=9))) == (0, 1, 1)
    assert row(demo_url, closed).sla_check_at is None
    clock.now = T0 + timedelta(hours=9, minutes=30)
    with unit_of_work(demo_url) as session:  # the supervisor agrees a new deadline: it may warn and breach again
        inquiry_actions.set_deadline(session=session, actor=SUPERVISOR, inquiry_id=kept, reason="agreed",
                                     due_at=clock.now + timedelta(hours=10))
    assert row(demo_url, kept).warn_at == clock.now + timedelta(hours=8)
    assert counts(scan(demo_url, clock.now + timedelta(hours=8, minutes=1))) == (1, 0, 1)


@pytest.fixture
def pg_demo_url(pg_server, pg_demo_template):
    from conftest import _database_from

    yield from _database_from(pg_server, pg_demo_template)


def test_two_scanners_at_once_escalate_a_breach_once(pg_demo_url, clock):
    """PostgreSQL: the second scanner skips the rows the first holds (SQLite runs one writer at a time)."""
    inquiry, = raise_(pg_demo_url, INVOICE)
    at = row(pg_demo_url, inquiry).due_at + timedelta(minutes=1)
    with unit_of_work(pg_demo_url) as first, unit_of_work(pg_demo_url) as second:
        one = sla_scan.scan(session=first, actor=SUPERVISOR, now=at)
        other = sla_scan.scan(session=second, actor=SUPERVISOR, now=at)
    assert (one.breached, one.checked, other.checked) == (2, 1, 0)
    assert counts(scan(pg_demo_url, at)) == (0, 0, 0)


def test_escalation_rules_are_a_checked_directory_area(db_url):
    def create(**values):
        with unit_of_work(db_url) as session:
            return directory.create_entry(session=session, actor=ADMIN, kind="escalations",
                                          values={"labels": {"en": "x"}, **values})

    with pytest.raises(ValidationError, match="at least one action"):
        create(code="nothing")
    with pytest.raises(ValidationError, match="unknown variable"):
        create(code="bad", condition="ticket.type == 1", notify_assignee=True)
    with pytest.raises(ValidationError, match="expected one of"):
        create(code="when", when="soon", notify_assignee=True)
    made = create(code="ok", clock="react", when="warning", notify_queue_admins=True)
    assert made.values | {"labels": None} == {
        "code": "ok", "labels": None, "active": True, "sort_order": 0, "clock": "react", "when": "warning",
        "condition": "true", "priority": None, "queue": None, "notify_assignee": False, "notify_queue_admins": True,
        "mailing_list": None}
    with pytest.raises(PermissionDenied):
        with unit_of_work(db_url) as session:
            sla_scan.scan(session=session, actor=AGENT, now=T0)


def test_the_cli_scans_and_reports_counts_as_json(demo_url, clock, tmp_path):
    dispute, = raise_(demo_url, DISPUTE)
    command = ["--db", owner_url(demo_url), "sla", "scan", "--now", (T0 + timedelta(hours=9)).isoformat(), "--json"]
    result = runner.invoke(app, command, env={"CRMTERM_HOME": str(tmp_path / "home")})
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert {k: found[k] for k in ("checked", "warned", "breached", "escalated", "more")} == {
        "checked": 1, "warned": 0, "breached": 2, "escalated": 2, "more": False}
    again = runner.invoke(app, command[:-1], env={"CRMTERM_HOME": str(tmp_path / "home")})
    assert again.stdout.strip() == "warned 0, breached 0, escalated 0 (looked at 0)"
    assert row(demo_url, dispute).sla_check_at is None


def test_overdue_count_covers_the_users_queues(demo_url, clock):
    raise_(demo_url, INVOICE, INVOICE)
    with unit_of_work(demo_url) as session:
        assert sla_status.overdue_count(session=session, actor=SUPERVISOR, now=T0 + timedelta(hours=9)) == 2
        assert sla_status.overdue_count(session=session, actor=SUPERVISOR, now=T0 + timedelta(hours=9), cap=1) == 1
        assert sla_status.overdue_count(session=session, actor=SUPERVISOR, now=T0) == 0
        total = session.exec(select(func.count()).select_from(Inquiry)).one()
    assert total == 2


def test_badges_count_down_and_say_the_level():
    due = T0 + timedelta(hours=8)
    assert sla_status.badge(due, T0 + timedelta(hours=6), "waiting", T0).text == "8:00"
    assert sla_status.badge(due, T0 + timedelta(hours=6), "taken", due - timedelta(minutes=45)).text == "⚠ 0:45"
    assert sla_status.badge(due, None, "in_progress", due + timedelta(hours=1, minutes=10)).text == "⛔-1:10"
    assert sla_status.badge(due, None, "waiting", due - timedelta(days=2, hours=3)).text == "2d 03h"
    assert sla_status.badge(due, None, "waiting", due - timedelta(days=12, hours=5)).text == "12d"
    assert sla_status.badge(due, None, "waiting", due + timedelta(days=400)).text == "⛔-99d"
    assert sla_status.badge(due, None, "closed", T0) is None and sla_status.badge(None, None, "waiting", T0) is None
