"""Every main screen at 80×24 (issue 19 item 6): under 100 columns the app marks screens -narrow and side
panes give up width; the Queues list hides its least important columns instead of cutting them; under 30
rows the inquiry screen keeps room for its attributes and timeline. Update deliberately: --snapshot-update,
then look at the pictures."""

from __future__ import annotations

import time

import pytest

from crmterm.app import make_app
from helpers import press_and_settle, settle
from test_snapshots import _inquiry_in_billing, _login, _queue_inquiries

SMALL = (80, 24)


@pytest.fixture
def utc(monkeypatch):
    """Deadlines are shown in local time: one zone for the picture, the old one back for the next test."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _walk(login: str, *keys: str):
    async def run(pilot):
        await _login(pilot, login)
        for key in keys:
            await press_and_settle(pilot, key)
    return run


def test_register_small(snap_compare, snapshot_settings):
    """A known caller and a topic by its code: the attribute form and the side panel both usable."""
    run = _walk("agent", "f4", *"+79161000001", "enter", *"311", "enter")
    assert snap_compare(make_app(snapshot_settings), terminal_size=SMALL, run_before=run)


def test_queues_small(snap_compare, snapshot_settings, utc):
    """#, priority, SLA, topic and customer stay (the last two share what is left, "…" where cut); state, step,
    assignee and deadline give way; the legend wraps."""
    _queue_inquiries(snapshot_settings.database_url)
    run = _walk("supervisor", "f11", "down", "space")
    assert snap_compare(make_app(snapshot_settings), terminal_size=SMALL, run_before=run)


def test_inquiry_small(snap_compare, snapshot_settings, utc):
    from crmterm.screens.inquiry.inquiry_view import InquiryScreen

    inquiry_id = _inquiry_in_billing(snapshot_settings.database_url)

    async def run(pilot):
        await _login(pilot, "agent")
        pilot.app.push_screen(InquiryScreen(inquiry_id))
        await settle(pilot)

    assert snap_compare(make_app(snapshot_settings), terminal_size=SMALL, run_before=run)


def test_customer_card_small(snap_compare, snapshot_settings):
    """The card takes two thirds: its tab labels are readable."""
    run = _walk("agent", "f3", *"склад хим", "enter")
    assert snap_compare(make_app(snapshot_settings), terminal_size=SMALL, run_before=run)


def test_reports_small(snap_compare, snapshot_settings):
    run = _walk("supervisor", "ctrl+l")
    assert snap_compare(make_app(snapshot_settings), terminal_size=SMALL, run_before=run)


def test_topics_small(snap_compare, snapshot_settings):
    run = _walk("admin", "f9", "down", "down", "down")
    assert snap_compare(make_app(snapshot_settings), terminal_size=SMALL, run_before=run)


def test_admin_small(snap_compare, snapshot_settings):
    """Area names on one line each; codes and the start of names in the list; the form beside them."""
    run = _walk("admin", "f10", "down", "down")
    assert snap_compare(make_app(snapshot_settings), terminal_size=SMALL, run_before=run)


def test_scripts_small(snap_compare, snapshot_settings):
    """Script list, outline and node form side by side, none squeezed to nothing."""
    run = _walk("admin", "f10", "end", "enter", "down")
    assert snap_compare(make_app(snapshot_settings), terminal_size=SMALL, run_before=run)


def test_knowledge_base_small(snap_compare, snapshot_settings):
    run = _walk("agent", "alt+k", *"roaming")
    assert snap_compare(make_app(snapshot_settings), terminal_size=SMALL, run_before=run)
