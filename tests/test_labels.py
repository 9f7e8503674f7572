"""Labels, not codes; one date format (issue 19 item 7): the inquiry screen's header names the priority,
queue and channel in the user's language and dates every moment with the language's one Babel format, in
local time. Real inquiries on both databases; the header rendered as the screen shows it."""

from __future__ import annotations

from datetime import UTC, datetime

from helpers import AGENT, register_disputed_charge
from rich.console import Console

from crmterm.i18n import fmt_datetime
from crmterm.screens.inquiry.inquiry_render import header
from crmterm.services.inquiries.inquiries import get_inquiry
from crmterm.store.db import unit_of_work

AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def _rendered(found) -> str:
    console = Console(width=200, record=True, color_system=None, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(header(found, datetime.now(UTC)))
    return console.export_text()


def test_the_header_names_priority_queue_and_channel_in_the_users_language(demo_url, russian):
    inquiry_id = register_disputed_charge(demo_url)
    with unit_of_work(demo_url) as session:
        found = get_inquiry(session=session, actor=AGENT, inquiry_id=inquiry_id)
    shown = _rendered(found)
    assert (found.priority_label, found.contact.channel_label) == ("Высокий", "Телефон")
    assert found.queue_label and found.queue_label != found.queue
    for label in ("Высокий", "Телефон", found.queue_label):
        assert label in shown
    for code in (" high", " phone", f" {found.queue}"):
        assert code not in shown


def test_the_contact_time_uses_the_one_date_format(demo_url, russian):
    inquiry_id = register_disputed_charge(demo_url)
    with unit_of_work(demo_url) as session:
        found = get_inquiry(session=session, actor=AGENT, inquiry_id=inquiry_id)
    assert fmt_datetime(found.contact.at) in _rendered(found)
    assert "2026-11-20" not in _rendered(found)


def test_a_moment_is_shown_in_local_time_in_the_languages_short_form(monkeypatch, russian):
    import time

    monkeypatch.setenv("TZ", "Europe/Moscow")
    time.tzset()
    try:
        assert fmt_datetime(AT) == "20.11.2026, 12:30"
    finally:
        monkeypatch.undo()
        time.tzset()
