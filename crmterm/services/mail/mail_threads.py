"""Threading: a mail whose subject carries an inquiry's token (`[#1234]`) joins that inquiry's timeline as
a new contact, and reopens it when it was closed within the reopen window.

A token alone is not trusted — anyone can type `[#1234]` — so the mail joins only when its sender already
corresponds about that inquiry: the customer's own address, a sender of earlier mail on it, or an address
an agent replied to from it. Otherwise, or when the inquiry is gone, cancelled or closed too long ago, the
mail is a new one and the rules place it (intake.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from crmterm.services.accounts.permissions import SYSTEM, Actor
from crmterm.services.inquiries import inquiry_actions, registration
from crmterm.services.inquiries.drafts import ContactDraft, InquiryDraft
from crmterm.services.mail.mail_parsing import ParsedMail
from crmterm.store import Inquiry, MailMessage, Notification, Party
from crmterm.workflow.engine import OPEN

REPLY_EVENT = "mail_reply"  # the notification event of an agent's reply (replies.py)
CHANNEL = "email"


def inquiry_to_join(session: Session, mail: ParsedMail, *, reopen_days: int, now: datetime) -> Inquiry | None:
    """The inquiry this mail continues, or None when it is to be a new inquiry."""
    if mail.token is None or not mail.sender:
        return None
    inquiry = session.get(Inquiry, mail.token)
    if inquiry is None or mail.sender not in correspondents(session, inquiry):
        return None
    if inquiry.state in OPEN:
        return inquiry
    closed_recently = inquiry.closed_at is not None and inquiry.closed_at >= now - timedelta(days=reopen_days)
    return inquiry if inquiry.state == "closed" and closed_recently else None


def correspondents(session: Session, inquiry: Inquiry) -> set[str]:
    """The addresses that may write about this inquiry (lower case)."""
    found: set[str] = set()
    if inquiry.party_id is not None:
        party = session.get(Party, inquiry.party_id)
        if party is not None and party.email:
            found.add(party.email.lower())
    found.update(a.lower() for a in session.exec(select(MailMessage.sender)
                                                 .where(MailMessage.inquiry_id == inquiry.id)) if a)
    found.update(a.lower() for a in session.exec(
        select(func.lower(col(Notification.address))).where(Notification.inquiry_id == inquiry.id,
                                                            Notification.event == REPLY_EVENT)) if a)
    return found


def join(session: Session, actor: Actor, inquiry: Inquiry, mail: ParsedMail, /) -> int:
    """The mail as a new contact on the inquiry (reopened first when closed); returns the contact's id."""
    inquiry_id = inquiry.id or 0
    if inquiry.state not in OPEN:
        # The customer's answer reopens it within the window the admins set: a decision of the system,
        # not of the batch user, who need not be a supervisor.
        inquiry_actions.reopen(session=session, actor=SYSTEM, inquiry_id=inquiry_id,
                               text=f"{mail.sender}: {mail.subject}"[:4000])
    draft = ContactDraft(direction="in", channel=CHANNEL, customer=inquiry.party_id, caller=mail.sender[:100],
                         text=mail.subject, inquiries=[InquiryDraft(link_to=inquiry_id, text=mail.body)])
    return registration.register(session=session, actor=actor, draft=draft).contact_id
