"""How the inquiry screen looks with knowledge-base suggestions and an attached article (fixed size, times
fixed, shown in UTC). Update deliberately: pytest --snapshot-update, then look."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from crmterm.app import make_app
from helpers import events_rewritable, settle
from test_snapshots import _login

SIZE = (140, 44)


def _roaming_inquiry_with_an_article(url: str) -> int:
    from sqlalchemy import text
    from sqlmodel import select

    from crmterm.services.knowledge import kb_usage
    from crmterm.services.inquiries.registration import ContactDraft, register
    from crmterm.store import InquiryEvent
    from crmterm.store.db import unit_of_work
    from helpers import AGENT

    at = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    draft = ContactDraft(at=at, channel="phone", place="cc_msk", customer=1, inquiries=[{
        "topic": "roaming_not_working", "values": {"country": "Turkey"},
        "text": "No network abroad since this morning, phone restarted"}])
    with unit_of_work(url) as session:
        inquiry_id = register(session=session, actor=AGENT, draft=draft).inquiry_ids[0]
        kb_usage.attach(session=session, actor=AGENT, inquiry_id=inquiry_id, key="roaming-not-working", lang="en")
    with events_rewritable(url), unit_of_work(url) as session:
        for n, event in enumerate(session.exec(select(InquiryEvent).where(InquiryEvent.inquiry_id == inquiry_id)
                                               .order_by(InquiryEvent.id))):
            event.at = at + timedelta(minutes=3 * n)
            session.add(event)
        session.execute(text("UPDATE inquiry_article SET attached_at = :at"), {"at": at + timedelta(minutes=3)})
        session.execute(text("UPDATE inquiry SET created_at = :at, due_at = :due, react_due_at = NULL"),
                        {"at": at, "due": at + timedelta(days=2)})
    return inquiry_id


def test_inquiry_screen_with_kb_suggestions(snap_compare, snapshot_settings, monkeypatch):
    """The suggestions for the inquiry's topic and note below the columns (the attached one marked ✓), the
    attached article in the left column, the attachment in the timeline, Ctrl+F8 / Ctrl+F9 in the footer."""
    from crmterm.screens.inquiry.inquiry_view import InquiryScreen

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    inquiry_id = _roaming_inquiry_with_an_article(snapshot_settings.database_url)

    async def open_inquiry(pilot):
        await _login(pilot, "agent")
        pilot.app.push_screen(InquiryScreen(inquiry_id))
        await settle(pilot)

    try:
        assert snap_compare(make_app(snapshot_settings), terminal_size=SIZE, run_before=open_inquiry)
    finally:
        monkeypatch.undo()
        time.tzset()
