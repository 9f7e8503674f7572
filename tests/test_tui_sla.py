"""Pilot tests of SLA monitoring in the TUI: the status bar's overdue count, the queue list's countdown badges,
and the background scan that runs in supervisors' TUIs only (every `sla_scan_seconds`, one second here)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from crmterm.app import make_app
from crmterm.services.inquiries import inquiry_actions
from crmterm.services.sales import activities
from crmterm.store import InquiryEvent, Notification, utcnow
from crmterm.store.db import unit_of_work
from crmterm.widgets.chrome import StatusBar
from helpers import SUPERVISOR, demo_people, settle
from test_tui import SIZE, _login
from test_tui_queues import _queues, register_disputes


def _overdue_first(url: str) -> None:
    """Two complaints in the first line, the first agreed for a moment long past."""
    register_disputes(url, 2)
    with unit_of_work(url) as session:
        inquiry_actions.set_deadline(session=session, actor=SUPERVISOR, inquiry_id=1, reason="agreed",
                                     due_at=datetime(2020, 1, 10, 9, tzinfo=UTC), allow_past=True)


def _sla_events(url: str) -> list[tuple[int, str, str]]:
    with unit_of_work(url) as session:
        return [(e.inquiry_id, e.kind, e.actor) for e in session.exec(
            select(InquiryEvent).where(InquiryEvent.kind.in_(["sla_warning", "sla_breach"])))]


def _status(pilot) -> str:
    return str(pilot.app.screen.query_one(StatusBar).content)


async def test_an_agent_sees_the_overdue_count_and_does_not_scan(ui_settings):
    settings = replace(ui_settings, sla_scan_seconds=1)
    _overdue_first(settings.database_url)
    async with make_app(settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "agent", "agent")
        assert "⛔ 1 overdue" in _status(pilot)
        await pilot.pause(1.3)  # past a scan interval: an agent's TUI only counts
        await settle(pilot)
    assert _sla_events(settings.database_url) == []


async def test_a_supervisor_sees_badges_and_the_tui_scans_in_the_background(ui_settings):
    settings = replace(ui_settings, sla_scan_seconds=1)
    _overdue_first(settings.database_url)
    _soon(settings.database_url)
    async with make_app(settings).run_test(size=SIZE) as pilot:
        panel = await _queues(pilot, "supervisor")
        assert "⛔ 1 overdue" in _status(pilot)
        breached, running = (panel.table.get_cell(key, "sla") for key in ("1", "2"))
        assert breached.plain == "⛔-99d" and "red" in str(breached.style)
        assert running.plain[0].isdigit() and ":" in running.plain  # the first line's 8 hours, counting down
        await pilot.pause(1.3)
        await settle(pilot)
        assert (1, "sla_breach", "sla") in _sla_events(settings.database_url)
        assert "⛔ 1 overdue" in _status(pilot)
    assert _reminded(settings.database_url) == ["Soon"]  # sales activities starting soon remind in the same scan


def _soon(url: str) -> None:
    with unit_of_work(url) as session:
        activities.create_activity(session=session, actor=demo_people(url)["supervisor"], kind="call",
                                   title="Soon", starts_at=utcnow() + timedelta(minutes=5))


def _reminded(url: str) -> list[str]:
    with unit_of_work(url) as session:
        return [n.data["title"] for n in session.exec(select(Notification).where(
            Notification.event == "activity_reminder")) if n.data["title"] == "Soon"]
