"""SLA regulations on both databases, with the demo's calendars and regulations (data/seed/demo_sla.yaml) and a
clock the test sets: a step's budget on its own 9–18 calendar across a weekend and holidays, the reaction time
on the step's calendar, priority changes, waiting for the customer (the regulation's clock stops and resumes
with what it had left), transfers, reopening, a supervisor's deadline; calendars and regulations as directory
areas and config as code. The regulation choice itself is tested without a database first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import yaml
from sqlmodel import select

from crmterm.errors import ConfigError, Conflict, ValidationError
from crmterm.services.directory import config_io, directory
from crmterm.services.inquiries import inquiry_actions
from crmterm.services.routing import routing
from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.store import Inquiry, User
from crmterm.store.db import unit_of_work
from crmterm.workflow import sla
from crmterm.workflow.calendar import business_minutes_between
from crmterm.workflow.calendar_spec import from_document
from crmterm.workflow.routes import StepDef
from helpers import ADMIN

DISPUTE = {"topic": "disputed_charge", "values": {"amount": "100", "dispute_reason": "double_charge",
                                                  "charge_date": "2027-02-01"}}
INVOICE = {"topic": "invoice_copy", "priority": "normal"}  # standard request route, standard regulation


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# --- choosing the regulation and the calendars (no database) -----------------------------------------------

def test_the_nearest_topic_wins_and_a_priority_falls_back_to_the_rest():
    office = from_document("office", "Asia/Yekaterinburg", {"mon-fri": ["09:00-18:00"]}, {})
    book = sla.Book([sla.regulation_from("any", [], None, {"*": {"react": 1, "resolve": 24}}),
                     sla.regulation_from("billing", ["billing"], "office", {"high": {"react": 0.5}, "*": {"resolve": 9}}),
                     sla.regulation_from("disputes", ["disputed_charge"], None, {"*": {"resolve": 2}})],
                    {"office": office}, default_calendar=None)
    assert book.regulation(["billing", "disputed_charge"]).code == "disputes"
    assert book.regulation(["billing", "refund"]).code == "billing"
    assert book.regulation(["technical", "no_data"]).code == "any"
    assert book.regulation(["billing"]).times_for("high") == sla.Times(react=0.5, resolve=9)
    start = utc(2027, 3, 1, 4)  # Monday 09:00 in Yekaterinburg
    found = book.deadlines(sla.restart(start, None), ["billing", "refund"], "high", None)
    assert (found.react_due_at, found.due_at) == (utc(2027, 3, 1, 4, 30), utc(2027, 3, 1, 13))
    step = StepDef(code="bo", queue="q", sla_hours=2, calendar="nowhere")  # unknown: the wall clock
    assert book.deadlines(sla.restart(start, step), ["x"], None, step).due_at == utc(2027, 3, 1, 6)


def test_a_pause_adds_its_business_time_to_the_regulation():
    office = from_document("office", "UTC", {"mon-fri": ["09:00-18:00"]}, {})
    book = sla.Book([sla.regulation_from("r", [], "office", {"*": {"resolve": 10}})], {"office": office})
    waiting, working = StepDef(code="w", queue="q", pauses_sla=True), StepDef(code="s", queue="q")
    clock = sla.restart(utc(2027, 3, 1, 9), working)  # Monday 09:00: ten business hours, Tuesday 10:00
    assert book.deadlines(clock, ["t"], None, working).due_at == utc(2027, 3, 2, 10)
    clock = sla.enter_step(clock, utc(2027, 3, 1, 15), waiting, office)  # six used, four left
    assert book.deadlines(clock, ["t"], None, waiting) == sla.Deadlines(None, None)
    assert sla.remaining_minutes(clock, sla.Times(resolve=10), office, utc(2027, 3, 4)) == 4 * 60
    clock = sla.enter_step(clock, utc(2027, 3, 5, 17), working, office)  # Friday 17:00: resumes
    assert clock.paused_minutes == (3 + 4 * 9 - 1) * 60 and clock.paused_at is None
    assert book.deadlines(clock, ["t"], None, working).due_at == utc(2027, 3, 8, 12)  # one Friday + three Monday


# --- on both databases ----------------------------------------------------------------------------------------

@pytest.fixture
def clock(monkeypatch):
    """The time the services see (routing and moves), set by the test."""
    class Clock:
        now = utc(2027, 2, 19, 11)

    for module in (routing, inquiry_actions):
        monkeypatch.setattr(module, "utcnow", lambda: Clock.now)
    return Clock


@pytest.fixture
def team(demo_url):
    with unit_of_work(demo_url) as session:
        who = {u.login: Actor(login=u.login, role=Role(u.role_code), id=u.id) for u in session.exec(select(User))}
    return demo_url, who


def act(url: str, action, actor: Actor, **kwargs):
    with unit_of_work(url) as session:
        return action(session=session, actor=actor, **kwargs)


def raise_(url: str, inquiry: dict, actor: Actor) -> int:
    draft = ContactDraft.model_validate({"channel": "phone", "place": "cc_msk", "inquiries": [inquiry]})
    with unit_of_work(url) as session:
        return register(session=session, actor=actor, draft=draft).inquiry_ids[0]


def row(url: str, inquiry_id: int) -> Inquiry:
    with unit_of_work(url) as session:
        found = session.get(Inquiry, inquiry_id)
        session.expunge(found)
        return found


def edit(url: str, kind: str, key: str, **values):
    with unit_of_work(url) as session:
        return directory.update_entry(session=session, actor=ADMIN, kind=kind, key=key, values=values,
                                      expected_version=None)


def to_billing(url: str, who: dict, clock, at: datetime) -> int:
    clock.now = at
    inquiry = raise_(url, DISPUTE, who["agent"])
    act(url, inquiry_actions.take, who["agent"], inquiry_id=inquiry)
    act(url, inquiry_actions.move, who["agent"], inquiry_id=inquiry, transition="to_billing")
    return inquiry


def test_a_step_on_its_own_nine_to_six_calendar_skips_the_weekend_and_holidays(team, clock):
    url, who = team
    edit(url, "sla_rules", "complaints", times={"*": {"react": 2}})  # no resolution time: the step's budget rules
    clock.now = utc(2027, 2, 19, 11)  # Friday 16:00 in Yekaterinburg
    first = raise_(url, DISPUTE, who["agent"])
    registered = row(url, first)  # first line: 8 h on the default 24×7 calendar, reaction 2 h on it too
    assert (registered.due_at, registered.react_due_at) == (utc(2027, 2, 19, 19), utc(2027, 2, 19, 13))
    clock.now = utc(2027, 2, 19, 12)  # Friday 17:00: 1 h on Friday, Monday 22.02 is shortened (7 h), 23.02 a holiday
    act(url, inquiry_actions.take, who["agent"], inquiry_id=first)
    act(url, inquiry_actions.move, who["agent"], inquiry_id=first, transition="to_billing")
    billing = row(url, first)  # 24 business hours on back_office_ekb: Wednesday 8 h, Thursday until 18:00
    assert (billing.step, billing.due_at, billing.queued_at) == ("billing", utc(2027, 2, 25, 13), clock.now)
    assert billing.react_due_at == utc(2027, 2, 22, 5)  # the step's calendar: Friday 17–18, Monday 09–10


def test_a_priority_change_recomputes_both_deadlines(team, clock):
    url, who = team
    inquiry = to_billing(url, who, clock, utc(2027, 3, 1, 4))  # Monday 09:00 in Yekaterinburg, priority high
    before = row(url, inquiry)  # the step's 24 business hours (Wednesday 18:00) come before the 72 h regulation
    assert (before.due_at, before.react_due_at) == (utc(2027, 3, 3, 13), utc(2027, 3, 1, 5))
    act(url, inquiry_actions.set_priority, who["supervisor"], inquiry_id=inquiry, priority="critical")
    critical = row(url, inquiry)  # the regulation's 24 h (from registration) now come first; reaction 30 min
    assert (critical.due_at, critical.react_due_at) == (utc(2027, 3, 2, 4), utc(2027, 3, 1, 4, 30))
    act(url, inquiry_actions.set_priority, who["supervisor"], inquiry_id=inquiry, priority="low")
    assert (row(url, inquiry).due_at, row(url, inquiry).react_due_at) == (utc(2027, 3, 3, 13), utc(2027, 3, 1, 6))


def test_waiting_for_the_customer_stops_the_regulation_and_resumes_with_what_was_left(team, clock):
    url, who = team
    edit(url, "sla_rules", "standard", calendar="back_office_ekb")  # normal: 24 business hours
    clock.now = start = utc(2027, 3, 1, 4)  # Monday 09:00 in Yekaterinburg
    inquiry, clerk = raise_(url, INVOICE, who["agent2"]), who["agent2"]  # first line and back office
    for transition in ("to_back_office", "ask_customer"):
        act(url, inquiry_actions.take, clerk, inquiry_id=inquiry)
        act(url, inquiry_actions.move, clerk, inquiry_id=inquiry, transition=transition)
        clock.now = asked = start + timedelta(hours=5)  # 14:00: 4 business hours used (lunch), 20 left
    paused = row(url, inquiry)  # only the waiting step's own 72 h remain, no reaction is due
    assert (paused.step, paused.sla_paused_at, paused.react_due_at) == ("customer_reply", asked, None)
    assert paused.due_at == asked + timedelta(hours=72)
    clock.now = replied = utc(2027, 3, 3, 5)  # Wednesday 10:00
    act(url, inquiry_actions.take, clerk, inquiry_id=inquiry)
    act(url, inquiry_actions.move, clerk, inquiry_id=inquiry, transition="customer_replied")
    resumed = row(url, inquiry)
    calendar = from_document("ekb", "Asia/Yekaterinburg", {"mon-fri": ["09:00-13:00", "14:00-18:00"]}, {})
    assert resumed.sla_paused_at is None and resumed.due_at == utc(2027, 3, 5, 10)  # Friday 15:00 local
    assert business_minutes_between(replied, resumed.due_at, calendar) == 20 * 60


def test_transfer_and_reopen_recompute_and_a_supervisors_deadline_holds_until_then(team, clock):
    url, who = team
    clock.now = start = utc(2027, 3, 1, 4)
    inquiry = raise_(url, DISPUTE, who["agent"])  # high: reaction 1 h, first line 8 h
    clock.now = moved = start + timedelta(hours=3)
    act(url, inquiry_actions.transfer, who["supervisor"], inquiry_id=inquiry, queue="back_office")
    transferred = row(url, inquiry)  # a new queue: reaction and step clocks start again
    assert (transferred.react_due_at, transferred.due_at) == (moved + timedelta(hours=1), moved + timedelta(hours=8))
    agreed = utc(2027, 3, 10, 12)
    act(url, inquiry_actions.set_deadline, who["supervisor"], inquiry_id=inquiry, due_at=agreed, reason="agreed")
    act(url, inquiry_actions.set_priority, who["supervisor"], inquiry_id=inquiry, priority="critical")
    act(url, inquiry_actions.transfer, who["supervisor"], inquiry_id=inquiry, queue="first_line")
    kept = row(url, inquiry)
    assert (kept.due_at, kept.react_due_at) == (agreed, moved + timedelta(minutes=30))
    act(url, inquiry_actions.close, who["supervisor"], inquiry_id=inquiry, resolution="refunded")
    clock.now = reopened = utc(2027, 3, 4, 4)
    act(url, inquiry_actions.reopen, who["supervisor"], inquiry_id=inquiry, text="called again")
    again = row(url, inquiry)  # every clock restarts: critical, first line
    assert (again.sla_started_at, again.react_due_at) == (reopened, reopened + timedelta(minutes=30))
    assert again.due_at == reopened + timedelta(hours=8)


# --- calendars and regulations as configuration ----------------------------------------------------------

def test_calendars_and_regulations_round_trip_through_config_as_code(demo_url, tmp_path):
    path = tmp_path / "config.yaml"
    with unit_of_work(demo_url) as session:
        config_io.write_export(session=session, actor=ADMIN, path=path)
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    office = next(c for c in document["calendars"] if c["code"] == "back_office_ekb")
    assert office["week"] == {"mon-fri": ["09:00-13:00", "14:00-18:00"]} and office["exceptions"]["2027-02-23"] == []
    office["exceptions"]["2027-05-10"] = []
    document["calendars"].append({"code": "nights", "labels": {"en": "Nights"}, "time_zone": "Europe/Sofia",
                                  "week": {"mon-fri": "22:00-06:00"}})
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    with unit_of_work(demo_url) as session:
        result = config_io.import_file(session=session, actor=ADMIN, path=path)
    assert (result.updated, result.created) == ({"calendars": 1}, {"calendars": 1})
    with unit_of_work(demo_url) as session:
        assert config_io.import_file(session=session, actor=ADMIN, path=path).changes == 0
        nights = directory.get_entry(session=session, actor=ADMIN, kind="calendars", key="nights").values
    assert nights["week"] == {"mon-fri": ["22:00-06:00"]} and nights["exceptions"] == {}


def test_a_bad_calendar_is_refused_with_a_field_message(demo_url, tmp_path):
    calendar = {"code": "bad", "labels": {"en": "Bad"}, "time_zone": "UTC", "week": {"mon": ["09:00-25:00"]}}
    with unit_of_work(demo_url) as session, pytest.raises(ValidationError) as error:
        directory.create_entry(session=session, actor=ADMIN, kind="calendars", values=calendar)
    assert error.value.field == "week.mon" and "'25:00' is not a time of day" in error.value.detail
    with unit_of_work(demo_url) as session, pytest.raises(ValidationError, match="time_zone: unknown time zone"):
        directory.create_entry(session=session, actor=ADMIN, kind="calendars",
                               values={**calendar, "time_zone": "Europe/Atlantis"})
    path = tmp_path / "bad.yaml"
    path.write_text("crmterm_config: 1\ncalendars:\n  - code: lunch\n    labels: {en: Lunch}\n    time_zone: UTC\n"
                    "    week:\n      mon-fri: [09:00-13:00, 12:00-18:00]\n", encoding="utf-8")
    with unit_of_work(demo_url) as session, pytest.raises(ConfigError) as error:
        config_io.import_file(session=session, actor=ADMIN, path=path)
    assert error.value.line == 6 and "calendars 'lunch': week.mon: 09:00-13:00 overlaps 12:00-18:00" in str(error.value)


def test_references_defaults_and_overlapping_regulations_are_checked(demo_url):
    def create(kind: str, **values):
        with unit_of_work(demo_url) as session:
            return directory.create_entry(session=session, actor=ADMIN, kind=kind, values={
                "labels": {"en": values["code"]}, **values})

    week = {"daily": "08:00-20:00"}
    with pytest.raises(ValidationError, match="'first_line_24x7' is the default calendar"):
        create("calendars", code="other", time_zone="UTC", week=week, is_default=True)
    with pytest.raises(ValidationError, match="topic 'technical' is already in regulation 'technical'"):
        create("sla_rules", code="dup", topics=["no_data", "technical"], times={"*": {"resolve": 1}})
    with pytest.raises(ValidationError, match="regulation 'standard' already covers every other topic"):
        create("sla_rules", code="rest", times={"*": {"resolve": 1}})
    with pytest.raises(ValidationError, match="unknown priority 'urgent'"):
        create("sla_rules", code="u", topics=["roaming"], times={"urgent": {"resolve": 1}})
    with pytest.raises(ValidationError, match="times.high: react: expected a positive number"):
        create("sla_rules", code="n", topics=["roaming"], times={"high": {"react": -1}})
    with unit_of_work(demo_url) as session:
        steps = directory.get_entry(session=session, actor=ADMIN, kind="routes", key="complaint").values["steps"]
    steps[1]["calendar"] = "nowhere"
    with pytest.raises(ValidationError, match="steps\\[2\\] billing: unknown calendar 'nowhere'"):
        edit(demo_url, "routes", "complaint", steps=steps)
    with unit_of_work(demo_url) as session, pytest.raises(Conflict, match="route 'complaint' uses it"):
        directory.delete_entry(session=session, actor=ADMIN, kind="calendars", key="back_office_ekb",
                               expected_version=None)
