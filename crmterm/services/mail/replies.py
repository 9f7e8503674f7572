"""An agent's e-mail reply to the customer from an inquiry: addressed to whoever last wrote about it (else
the customer's own address), its subject carrying the inquiry's token so the customer's answer comes back to
the same inquiry (mail_threads), queued in the notification outbox — sent by `crmterm notify deliver` over
SMTP, retried on failure — and written on the inquiry's timeline in the same transaction.

The text is the agent's; a response library can prefill it (the reply dialog's `insert_answer`)."""

from __future__ import annotations

import re
import uuid

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.errors import NotFound, ValidationError
from crmterm.i18n import _, current_language
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.inquiries import inquiry_log
from crmterm.services.mail.mail_parsing import TOKEN, one_line
from crmterm.services.mail.mail_threads import REPLY_EVENT
from crmterm.services.sla.notifications import notify
from crmterm.store import Inquiry, MailMessage, Party, Topic

ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_TEXT = 4000  # what the timeline's event text holds; the mail itself carries the whole text
MAX_REPLY = 100_000


class ReplyDraft(BaseModel):
    inquiry_id: int
    to: str  # empty when nobody's address is known
    subject: str
    text: str = ""


class ReplyQueued(BaseModel):
    inquiry_id: int
    notification_id: int
    to: str
    subject: str


def token(inquiry_id: int) -> str:
    return f"[#{inquiry_id}]"


def subject_with_token(subject: str, inquiry_id: int) -> str:
    """The subject as given, with the inquiry's token in front unless it carries it already."""
    subject = one_line(subject)
    found = TOKEN.search(subject)
    if found and int(found.group(1)) == inquiry_id:
        return subject
    return one_line(f"{token(inquiry_id)} {TOKEN.sub('', subject).strip()}")


def reply_draft(*, session: Session, actor: Actor, inquiry_id: int) -> ReplyDraft:
    """What the reply dialog opens with."""
    require(actor, Permission.INQUIRIES_READ)
    inquiry = _inquiry(session, inquiry_id)
    last = session.exec(select(MailMessage).where(MailMessage.inquiry_id == inquiry_id)
                        .order_by(col(MailMessage.id).desc())).first()
    party = session.get(Party, inquiry.party_id) if inquiry.party_id else None
    to = last.sender if last and last.sender else (party.email or "" if party else "")
    if last is not None:
        subject = last.subject if last.subject.lower().startswith("re:") else f"Re: {last.subject}"
    else:
        topic = session.get(Topic, inquiry.topic_id)
        subject = _label(topic.labels if topic else {})
    return ReplyDraft(inquiry_id=inquiry_id, to=to, subject=subject_with_token(subject, inquiry_id))


def send_reply(*, session: Session, actor: Actor, inquiry_id: int, to: str, subject: str, text: str) -> ReplyQueued:
    require(actor, Permission.INQUIRIES_WRITE)
    to, text = to.strip(), text.strip()
    if not ADDRESS.match(to) or len(to) > 254:
        raise ValidationError("to", _("not an e-mail address: '{a}'").format(a=one_line(to)[:80]))
    if not text:
        raise ValidationError("text", _("write the reply"))
    if len(text) > MAX_REPLY or "\x00" in text:
        raise ValidationError("text", _("at most {n} characters, no NUL characters").format(n=MAX_REPLY))
    _inquiry(session, inquiry_id)
    subject = subject_with_token(subject or "", inquiry_id)
    queued = notify(session=session, event=REPLY_EVENT, recipients=[f"email:{to}"], inquiry_id=inquiry_id,
                    data={"subject": subject, "text": text, "inquiry_id": inquiry_id},
                    key=f"{REPLY_EVENT}:{inquiry_id}:{uuid.uuid4().hex}")
    inquiry_log.record(session, inquiry_id, actor, "mail_sent", text=text[:_TEXT],
                       data={"to": to, "subject": subject, "notification": queued[0]})
    return ReplyQueued(inquiry_id=inquiry_id, notification_id=queued[0], to=to, subject=subject)


def _inquiry(session: Session, inquiry_id: int) -> Inquiry:
    inquiry = session.get(Inquiry, inquiry_id)
    if inquiry is None:
        raise NotFound(_("Inquiry"), inquiry_id)
    return inquiry


def _label(labels: dict) -> str:
    return str(labels.get(current_language()) or labels.get("en") or next(iter(labels.values()), ""))
