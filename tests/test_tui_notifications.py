"""Pilot tests of in-app notifications: the unread count in the status bar (also when another session
notifies), the notification centre (Ctrl+B) newest first in keyset pages, R / A / Enter marking read, and
Enter opening the inquiry a notification is about."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crmterm.app import make_app
from crmterm.screens.inquiry.inquiry_view import InquiryScreen
from crmterm.screens.notifications.notifications import NotificationCentre
from crmterm.screens.shell.workspace import WorkspaceScreen
from crmterm.services.sla.notifications import notify
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.store.db import unit_of_work
from crmterm.widgets.chrome import StatusBar
from helpers import AGENT, settle
from test_tui import SIZE, _login

T0 = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)


def notify_agent(url: str, count: int, *, first: int = 0, inquiry_id: int | None = None) -> None:
    with unit_of_work(url) as session:
        for n in range(first, first + count):
            notify(session=session, event="message", recipients=["user:agent"], key=f"note-{n}",
                   inquiry_id=inquiry_id, data={"subject": f"Note {n}", "text": f"Text of note {n}"},
                   now=T0 + timedelta(minutes=n))


def _status(pilot) -> str:
    workspace = next(s for s in pilot.app.screen_stack if isinstance(s, WorkspaceScreen))
    return str(workspace.query_one(StatusBar).content)


def _subjects(centre: NotificationCentre) -> list[str]:
    return [row.subject for row in centre.shown.values()]


async def _open_centre(pilot) -> NotificationCentre:
    await pilot.press("ctrl+b")
    await settle(pilot)
    assert isinstance(pilot.app.screen, NotificationCentre)
    return pilot.app.screen


async def test_the_unread_count_follows_reading_and_other_sessions(ui_settings):
    notify_agent(ui_settings.database_url, 3)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "agent", "agent")
        assert "✉ 3" in _status(pilot)
        centre = await _open_centre(pilot)
        assert _subjects(centre) == ["Note 2", "Note 1", "Note 0"]
        assert "Text of note 2" in str(centre.query_one("#notification-body").content)
        await pilot.press("down", "r")  # Note 1 read, the others still unread
        await settle(pilot)
        assert [r.state for r in centre.shown.values()] == ["sent", "read", "sent"]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, WorkspaceScreen) and "✉ 2" in _status(pilot)

        notify_agent(ui_settings.database_url, 2, first=10)  # another session notifies the agent
        for _ in range(40):
            await pilot.pause(0.1)
            if "✉ 4" in _status(pilot):
                break
        assert "✉ 4" in _status(pilot)

        await _open_centre(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert "✉" not in _status(pilot)


async def test_the_centre_reads_pages_and_enter_opens_the_inquiry(ui_settings):
    with unit_of_work(ui_settings.database_url) as session:
        inquiry_id = register(session=session, actor=AGENT, draft=ContactDraft(
            channel="phone", place="cc_msk", customer=1, inquiries=[{"topic": "disputed_charge", "values": {
                "amount": "100", "dispute_reason": "double_charge", "charge_date": "2026-01-01",
                "approval_reference": "A-1"}}])).inquiry_ids[0]
    notify_agent(ui_settings.database_url, 44)
    notify_agent(ui_settings.database_url, 1, first=44, inquiry_id=inquiry_id)  # the newest names an inquiry
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "agent", "agent")
        assert "✉ 45" in _status(pilot)
        centre = await _open_centre(pilot)
        assert len(centre.shown) == 30 and _subjects(centre)[0] == "Note 44"  # one page, newest first
        await pilot.press("ctrl+end")
        await settle(pilot)
        assert len(centre.shown) == 45 and _subjects(centre)[-1] == "Note 0"

        await pilot.press("ctrl+home", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, InquiryScreen) and pilot.app.screen.inquiry_id == inquiry_id
        await pilot.press("escape")
        await settle(pilot)
        assert "✉ 44" in _status(pilot)
