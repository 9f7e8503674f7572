"""Labels, not codes; one date format — the rest of issue 19 item 7: relative times in one translated form,
the timeline naming routes, steps, queues and priorities, dates through the i18n helpers. Real inquiries on
both databases where a database is involved."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from helpers import AGENT, SUPERVISOR, register_disputed_charge
from sqlmodel import select

from crmterm.i18n import fmt_date, fmt_datetime, fmt_duration, set_language
from crmterm.screens.inquiry.inquiry_render import event_detail
from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.inquiries import inquiry_actions
from crmterm.services.inquiries.inquiries import get_inquiry
from crmterm.services.sla import sla_status
from crmterm.store import Priority, User
from crmterm.store.db import unit_of_work

AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def test_ages_and_time_left_use_the_languages_units(russian):
    assert fmt_duration(-timedelta(days=5, hours=16)) == "-5 д. 16 ч"
    assert sla_status.badge(AT, None, "waiting", AT + timedelta(days=5, hours=16)).text == "⛔-5 д. 16 ч"
    assert fmt_duration(timedelta(days=12)) == "12 д." and fmt_duration(timedelta(minutes=45)) == "0:45"
    set_language("en")
    assert fmt_duration(-timedelta(days=5, hours=16)) == "-5d 16h"


def test_a_date_alone_has_a_short_and_a_medium_form(russian):
    assert fmt_date(date(2026, 12, 7), short=True) == "07.12.2026"
    assert fmt_date(datetime(2026, 12, 7, 10, 0), short=True) == "07.12.2026"
    set_language("en")
    assert fmt_date(date(2026, 12, 7), short=True) == "12/7/26"
    assert fmt_date(date(2026, 12, 7)) == "Dec 7, 2026"


def test_the_timeline_names_route_step_queue_and_priority(demo_url):
    inquiry_id = register_disputed_charge(demo_url)
    with unit_of_work(demo_url) as session:
        inquiry_actions.transfer(session=session, actor=SUPERVISOR, inquiry_id=inquiry_id, queue="billing_bo")
        inquiry_actions.set_priority(session=session, actor=SUPERVISOR, inquiry_id=inquiry_id, priority="low")
    with unit_of_work(demo_url) as session:
        found = get_inquiry(session=session, actor=AGENT, inquiry_id=inquiry_id)
    details = {event.kind: event_detail(event) for event in found.events}
    assert details["routed"] == "Complaint handling · First line · First line"
    assert details["transferred"] == "→ Billing back office"
    assert details["priority_changed"] == "→ Low"
    assert found.route_label == "Complaint handling"
    assert next(e for e in found.events if e.kind == "routed").data["route"] == "complaint"  # codes kept


def test_a_move_names_its_steps_and_says_it_once(demo_url):
    inquiry_id = register_disputed_charge(demo_url)
    with unit_of_work(demo_url) as session:
        user = session.exec(select(User).where(User.login == "agent")).one()
        agent = Actor(login="agent", role=Role(user.role_code), id=user.id)
        inquiry_actions.take(session=session, actor=agent, inquiry_id=inquiry_id)
        inquiry_actions.move(session=session, actor=agent, inquiry_id=inquiry_id, transition="to_billing")
    with unit_of_work(demo_url) as session:
        found = get_inquiry(session=session, actor=AGENT, inquiry_id=inquiry_id)
    assert event_detail(next(e for e in found.events if e.kind == "moved")) == "First line → Billing review"


def test_screens_and_widgets_format_dates_only_through_i18n():
    """No strftime or f-string date format of its own in the TUI face: one format per language (i18n), and
    the ISO form a form field is edited in (moments.as_typed)."""
    root = Path(__file__).parent.parent / "crmterm"
    ad_hoc = re.compile(r"strftime\(|\{[^{}]*:%[a-zA-Z]")
    found = [f"{path.relative_to(root)}:{n}" for folder in ("screens", "widgets")
             for path in (root / folder).rglob("*.py")
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if ad_hoc.search(line)]
    assert found == []


def test_priorities_are_listed_by_rank_wherever_one_is_chosen(demo_url):
    from crmterm.services.directory import directory
    from crmterm.services.inquiries import registration_views

    with unit_of_work(demo_url) as session:
        ranks = {p.code: p.rank for p in session.exec(select(Priority)).all()}
        by_rank = sorted(ranks, key=lambda code: ranks[code])
        assert by_rank != sorted(ranks)  # the demo's alphabetical order is not its scale
        listed = [e.key for e in directory.list_entries(session=session, actor=SUPERVISOR, kind="priorities")]
        offered = [code for _label, code in registration_views.choices(session=session, actor=AGENT).priorities]
    assert listed == by_rank
    assert offered == [code for code in by_rank if code in offered]


def test_the_cli_shows_names_and_the_one_date_format_and_json_keeps_codes(demo_url, tmp_path):
    import json

    from test_cli import cli_on

    inquiry_id = register_disputed_charge(demo_url)
    cli = cli_on(demo_url, tmp_path / "home")
    shown = cli("inquiry", "show", str(inquiry_id)).output
    assert "Route Complaint handling (revision 1) · step First line · queue First line" in shown
    assert fmt_datetime(AT) in shown and "2026-11-20 09:30" not in shown
    assert "routed" in shown and "created" in shown
    raw = json.loads(cli("inquiry", "show", str(inquiry_id), "--json").output)
    assert (raw["route"], raw["step"], raw["queue"]) == ("complaint", "first_line", "first_line")


def test_the_timeline_names_the_steps_a_script_run_passed(demo_url, tmp_path):
    from test_cli import cli_on
    from test_tui_scripts import termination

    inquiry_id = termination(demo_url)
    run = cli_on(demo_url, tmp_path / "home")("script", "run", "retention", "--inquiry", str(inquiry_id),
                                             input="1\n3\n3\nprice\nyes\n")
    assert run.exit_code == 0, run.output
    with unit_of_work(demo_url) as session:
        found = get_inquiry(session=session, actor=AGENT, inquiry_id=inquiry_id)
    event = next(e for e in found.events if e.kind == "script")
    detail = event_detail(event)
    assert detail.startswith(event.text + " — ") and " › " in detail
    steps = detail.removeprefix(event.text + " — ").split(" › ")
    assert "Why does the customer wa…" in steps and not set(steps) & set(event.data["steps"])  # titles, not ids


def test_the_cli_search_names_kind_status_and_match(demo_url, tmp_path, monkeypatch):
    import json

    from test_cli import cli_on

    from crmterm.cli import _common

    monkeypatch.setattr(_common.out, "_width", 200)  # the whole table on one line a hit
    cli = cli_on(demo_url, tmp_path / "home")
    shown = cli("customer", "search", "Nord Retail").output
    hits = json.loads(cli("customer", "search", "Nord Retail", "--json").output)
    assert hits and {h["kind"] for h in hits} == {"organisation"}  # --json keeps the codes
    assert "Organisation" in shown and "Active" in shown
    assert "organisation" not in shown and " active " not in shown
