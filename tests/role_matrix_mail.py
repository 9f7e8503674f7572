"""The role matrix's declared table, e-mail: taking in mail registers contacts and inquiries (inquiries.write),
the list of mail taken in is read like inquiries (inquiries.read); a reply to the customer is written by
those who may write inquiries, its draft read by those who may read them. See role_matrix_calls.py."""

from __future__ import annotations

from crmterm.services.accounts.permissions import Permission as P
from crmterm.services.mail import intake, mailboxes, replies
from crmterm.settings import MailboxSettings, Settings
from mail_helpers import maildir, message
from role_matrix_calls import Entry, World
from role_matrix_work import waiting


def _empty_box(world: World) -> Settings:
    return Settings(database_url=world.url, mailbox=MailboxSettings(maildir=str(maildir(world.tmp / "Maildir"))))


MAIL_ENTRIES: list[Entry] = [
    Entry(intake.take_in, P.INQUIRIES_WRITE,
          lambda s, w, a: {"raw": message(sender="matrix@mail.example", subject="Hello"), "mailbox": "matrix"}),
    Entry(intake.keep_failed, P.INQUIRIES_WRITE,
          lambda s, w, a: {"raw": message(sender="matrix@mail.example", subject="Broken"), "mailbox": "matrix",
                           "error": "IntegrityError: …"}),
    Entry(intake.messages, P.INQUIRIES_READ),
    Entry(mailboxes.fetch, P.INQUIRIES_WRITE, lambda s, w, a: {"settings": _empty_box(w)}, own_transaction=True),
    Entry(replies.reply_draft, P.INQUIRIES_READ, lambda s, w, a: {"inquiry_id": waiting(s, w)}),
    Entry(replies.send_reply, P.INQUIRIES_WRITE,
          lambda s, w, a: {"inquiry_id": waiting(s, w), "to": "customer@mail.example", "subject": "Re: hello",
                           "text": "Answered"}),
]
