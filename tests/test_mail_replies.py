"""An agent's e-mail reply from an inquiry (services/mail/replies): through the outbox to a local SMTP server
with the inquiry's token, on the timeline; the customer's answer to it comes back to the same inquiry."""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from crmterm.errors import ValidationError
from crmterm.services.mail import mailboxes, replies
from crmterm.services.sla.notification_delivery import deliver
from crmterm.settings import MailboxSettings, MailSettings, Settings
from crmterm.store import InquiryEvent
from crmterm.store.db import unit_of_work
from helpers import ADMIN, AGENT
from mail_helpers import drop, maildir, message
from test_notifications import Collector, _free_port

STRANGER = "anna@mail.example"  # no customer has this address: only the token and the reply tie her mail


@pytest.fixture
def smtp():
    collector = Collector()
    collector.port = _free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=collector.port)
    controller.start()
    yield collector
    controller.stop()


def test_the_reply_reaches_the_smtp_server_with_the_token_and_the_answer_returns(demo_url, smtp, tmp_path):
    box = maildir(tmp_path / "Maildir")
    settings = Settings(database_url=demo_url, mailbox=MailboxSettings(maildir=str(box)),
                        mail=MailSettings(host="127.0.0.1", port=smtp.port, timeout=5,
                                          sender="support@telenova.example"))
    drop(box, message(sender=f"Anna <{STRANGER}>", subject="Roaming in Spain?"))
    inquiry_id = mailboxes.fetch(settings=settings, actor=ADMIN).inquiries[0]

    with unit_of_work(demo_url) as session:
        draft = replies.reply_draft(session=session, actor=AGENT, inquiry_id=inquiry_id)
        assert (draft.to, draft.subject) == (STRANGER, f"[#{inquiry_id}] Re: Roaming in Spain?")
        replies.send_reply(session=session, actor=AGENT, inquiry_id=inquiry_id, to=draft.to,
                           subject=draft.subject, text="Roaming is on; prices at telenova.example/roaming")
    assert deliver(settings=settings).sent == 1

    [sent] = smtp.messages
    assert sent["To"] == STRANGER and f"[#{inquiry_id}]" in sent["Subject"]
    assert "Roaming is on" in sent.get_payload(decode=True).decode()
    with unit_of_work(demo_url) as session:
        logged = session.exec(select(InquiryEvent).where(InquiryEvent.inquiry_id == inquiry_id,
                                                         InquiryEvent.kind == "mail_sent")).one()
        assert logged.actor == "agent" and logged.data["to"] == STRANGER
    drop(box, message(sender=STRANGER, subject=f"Re: {sent['Subject']}", body="Thanks!"))
    assert mailboxes.fetch(settings=settings, actor=ADMIN).replies == [inquiry_id]


def test_a_reply_needs_an_address_and_a_text_and_keeps_a_given_token(demo_url):
    with unit_of_work(demo_url) as session:
        with pytest.raises(ValidationError) as refused:
            replies.send_reply(session=session, actor=AGENT, inquiry_id=1, to="not an address", subject="x",
                               text="hello")
        assert refused.value.field == "to"
    assert replies.subject_with_token("Re: [#7] Question", 7) == "Re: [#7] Question"
    assert replies.subject_with_token("Re: [#8] Question", 7) == "[#7] Re: Question"
