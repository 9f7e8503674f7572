"""The e-mail reply dialog on the inquiry screen (E): its look, and a reply sent from it reaching the outbox
and the timeline. Update the picture deliberately: --snapshot-update, then look at it."""

from __future__ import annotations

from helpers import press_and_settle, settle
from sqlmodel import select
from textual import events
from textual.widgets import TextArea
from test_snapshots import _inquiry_in_billing, _login

from crmterm.app import make_app
from crmterm.screens.inquiry.reply_dialog import ReplyDialog
from crmterm.services.mail.replies import ReplyDraft
from crmterm.store import InquiryEvent, Notification
from crmterm.store.db import unit_of_work


def as_a_terminal_sends_it(app, key: str, character: str) -> None:
    """A key as a real terminal delivers it (Pilot's alt+r carries no character; a terminal's carries "r")."""
    event = events.Key(key, character)
    event.set_sender(app)
    app._driver.send_message(event)


def _open_reply(inquiry_id: int, *typed: str):
    from crmterm.screens.inquiry.inquiry_view import InquiryScreen

    async def run(pilot):
        await _login(pilot, "agent")
        pilot.app.push_screen(InquiryScreen(inquiry_id))
        await settle(pilot)
        await press_and_settle(pilot, "e")
        if typed:
            await pilot.press(*typed)
            await settle(pilot)
    return run


def test_reply_dialog(snap_compare, snapshot_settings):
    """Address and subject with the inquiry's token filled in, the text being written."""
    inquiry_id = _inquiry_in_billing(snapshot_settings.database_url)
    run = _open_reply(inquiry_id, *"We refunded the charge.")
    assert snap_compare(make_app(snapshot_settings), terminal_size=(140, 40), run_before=run)


async def test_a_reply_sent_from_the_dialog_is_queued_and_on_the_timeline(ui_settings):
    """The dialog alone (the picture above shows E opening it on the inquiry screen): an answer from the
    response library picked with Alt+R and words typed ahead; Ctrl+S without an address is refused under the
    address with the text kept; with one, the dialog closes with what was queued."""
    inquiry_id = _inquiry_in_billing(ui_settings.database_url)
    app = make_app(ui_settings)
    sent = []
    async with app.run_test(size=(140, 40)) as pilot:
        await _login(pilot, "agent")
        app.push_screen(ReplyDialog(ReplyDraft(inquiry_id=inquiry_id, to="", subject=f"[#{inquiry_id}] Refund"),
                                    topic="billing"), sent.append)
        await settle(pilot)
        app.screen.query_one("#reply-text").focus()
        await pilot.press(*"Dear customer. ")
        as_a_terminal_sends_it(app, "alt+r", "r")  # ESC r: a key with a printable character, text area focused
        await press_and_settle(pilot, *"refund business", "enter")
        assert isinstance(app.screen, ReplyDialog)
        await press_and_settle(pilot, "ctrl+s")
        assert isinstance(app.screen, ReplyDialog) and app.screen.query_one("#e-to").display
        assert app.screen.query_one("#reply-text", TextArea).text.startswith("Dear customer. A refund")
        app.screen.query_one("#reply-to").focus()
        await press_and_settle(pilot, *"customer@mail.example", "ctrl+s")
        assert not isinstance(app.screen, ReplyDialog) and sent[0].to == "customer@mail.example"
    with unit_of_work(ui_settings.database_url) as session:
        queued = session.exec(select(Notification).where(Notification.inquiry_id == inquiry_id,
                                                         Notification.event == "mail_reply")).one()
        assert queued.address == "customer@mail.example" and f"[#{inquiry_id}]" in queued.subject
        assert queued.body.strip() == ("Dear customer. A refund to the account balance takes one business day, "
                                       "to a bank card up to ten.")
        assert session.exec(select(InquiryEvent).where(InquiryEvent.inquiry_id == inquiry_id,
                                                       InquiryEvent.kind == "mail_sent")).one().actor == "agent"
