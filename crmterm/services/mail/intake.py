"""Taking in one mail: kept raw first (unique by Message-ID, so a message read twice is taken once), then
either joined to the inquiry its token names (mail_threads) or registered as a new contact and inquiry on
the e-mail channel, its customer found from the sender (sender_match) and its topic, queue and priority
from the first intake rule that holds. Attachments go through the topic's limits; refused ones are listed
on the inquiry. Whatever fails, the raw mail stays, with what became of it and why (`crmterm mail list`).
The caller owns the transaction; `fetch` (mailboxes.py) gives each mail its own."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from crmterm.errors import CrmError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import SYSTEM, Actor, Permission, require
from crmterm.services.inquiries import attachments, inquiry_actions, inquiry_log, registration
from crmterm.services.inquiries.attachments import AttachmentLimits
from crmterm.services.inquiries.drafts import ContactDraft, InquiryDraft
from crmterm.services.mail import mail_parsing, mail_threads, sender_match
from crmterm.services.mail.mail_parsing import ParsedMail
from crmterm.store import Inquiry, MailMessage, MailRule, Priority, Queue, Topic, utcnow
from crmterm.workflow import rules


class Taken(BaseModel):
    message_id: str
    outcome: str  # inquiry | reply | unmatched | failed | duplicate
    inquiry_id: int | None = None
    contact_id: int | None = None
    refused: list[str] = []
    error: str | None = None


def take_in(*, session: Session, actor: Actor, raw: bytes, mailbox: str, limits: AttachmentLimits = AttachmentLimits(),
            reopen_days: int = 14, now: datetime | None = None) -> Taken:
    require(actor, Permission.INQUIRIES_WRITE)
    now = now or utcnow()
    mail = mail_parsing.parse(raw)
    row_id = _keep(session, mail, raw, mailbox, now)
    if row_id is None:
        return Taken(message_id=mail.message_id, outcome="duplicate")
    try:
        with session.begin_nested():  # a refusal undoes the half-done work, never the kept mail
            taken = _place(session, actor, mail, limits, reopen_days, now)
    except CrmError as error:
        taken = Taken(message_id=mail.message_id, outcome="failed", error=str(error)[:1000])
    row = session.get(MailMessage, row_id)
    if row is not None:
        row.outcome, row.inquiry_id, row.contact_id = taken.outcome, taken.inquiry_id, taken.contact_id
        row.refused, row.error = taken.refused, taken.error
    return taken


def keep_failed(*, session: Session, actor: Actor, raw: bytes, mailbox: str, error: str) -> Taken:
    """A mail whose taking in broke its transaction, kept raw with the error (mailboxes.fetch)."""
    require(actor, Permission.INQUIRIES_WRITE)
    mail = mail_parsing.parse(raw)
    row_id = _keep(session, mail, raw, mailbox, utcnow())
    if row_id is None:
        return Taken(message_id=mail.message_id, outcome="duplicate")
    row = session.get(MailMessage, row_id)
    if row is not None:
        row.error = error[:1000]
    return Taken(message_id=mail.message_id, outcome="failed", error=error[:1000])


def _keep(session: Session, mail: ParsedMail, raw: bytes, mailbox: str, now: datetime) -> int | None:
    """INSERT … ON CONFLICT (message_id) DO NOTHING: a second fetcher at the same moment adds nothing."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (dialect.insert(MailMessage)
                 .values(message_id=mail.message_id, mailbox=mailbox[:300], received_at=now, sender=mail.sender,
                         recipient=mail.recipient, subject=mail.subject, raw=raw, outcome="failed", refused=[],
                         error=_("not processed yet"))
                 .on_conflict_do_nothing(index_elements=["message_id"]).returning(MailMessage.id))
    return session.execute(statement).scalar()


def _place(session: Session, actor: Actor, mail: ParsedMail, limits: AttachmentLimits, reopen_days: int,
           now: datetime) -> Taken:
    joined = mail_threads.inquiry_to_join(session, mail, reopen_days=reopen_days, now=now)
    if joined is not None:
        contact_id = mail_threads.join(session, actor, joined, mail)
        return _with_files(session, actor, mail, limits, Taken(message_id=mail.message_id, outcome="reply",
                                                                inquiry_id=joined.id, contact_id=contact_id))
    party_id = sender_match.customer_of(session, mail.sender, f"{mail.subject}\n{mail.body}")
    rule = first_rule(session, mail, sender_match.customer_context(session, party_id), now)
    if rule is None:
        return Taken(message_id=mail.message_id, outcome="unmatched", error=_("no intake rule holds for this mail"))
    done = registration.register(session=session, actor=actor, draft=_draft(session, mail, party_id, rule))
    inquiry_id = done.inquiry_ids[0]
    _to_queue(session, rule, inquiry_id)
    return _with_files(session, actor, mail, limits, Taken(message_id=mail.message_id, outcome="inquiry",
                                                            inquiry_id=inquiry_id, contact_id=done.contact_id))


def first_rule(session: Session, mail: ParsedMail, customer: dict, now: datetime) -> MailRule | None:
    context = {"mail": {"sender": mail.sender, "recipient": mail.recipient, "subject": mail.subject,
                        "body": mail.body}, "customer": customer, "now": now}
    found = session.exec(select(MailRule).where(col(MailRule.active).is_(True))
                         .order_by(col(MailRule.sort_order), col(MailRule.code)))
    return next((rule for rule in found if rules.holds(rule.condition, context)), None)


def _draft(session: Session, mail: ParsedMail, party_id: int | None, rule: MailRule) -> ContactDraft:
    topic = session.get(Topic, rule.topic_id)
    priority = session.get(Priority, rule.priority_id) if rule.priority_id else None
    text = f"{mail.subject}\n\n{mail.body}".strip()[:mail_parsing.MAX_TEXT]
    return ContactDraft(direction="in", channel=mail_threads.CHANNEL, customer=party_id, caller=mail.sender[:100],
                        text=mail.subject, inquiries=[InquiryDraft(topic=topic.code if topic else None,
                                                                   priority=priority.code if priority else None,
                                                                   text=text, close=False)])


def _to_queue(session: Session, rule: MailRule, inquiry_id: int) -> None:
    """The rule's queue, when the route placed the inquiry elsewhere (a transfer: the queue's SLA applies)."""
    inquiry = session.get(Inquiry, inquiry_id)
    if rule.queue_id is None or inquiry is None or inquiry.queue_id == rule.queue_id:
        return
    queue = session.get(Queue, rule.queue_id)
    if queue is not None:
        inquiry_actions.transfer(session=session, actor=SYSTEM, inquiry_id=inquiry_id, queue=queue.code,
                                 text=_("e-mail intake rule {code}").format(code=rule.code))


def _with_files(session: Session, actor: Actor, mail: ParsedMail, limits: AttachmentLimits, taken: Taken) -> Taken:
    inquiry_id = taken.inquiry_id or 0
    for name, data in mail.attachments:
        try:
            with session.begin_nested():
                attachments.attach(session=session, actor=actor, inquiry_id=inquiry_id, name=name, data=data,
                                   limits=limits)
        except CrmError as error:
            taken.refused.append(f"{mail_parsing.one_line(name)[:100]}: {error}")
    if taken.refused:
        inquiry_log.record(session, inquiry_id, actor, "mail_refused", contact_id=taken.contact_id,
                           text="\n".join(taken.refused)[:4000], data={"message_id": taken.message_id})
    return taken


class MailRead(BaseModel):
    id: int
    message_id: str
    received_at: datetime
    sender: str
    subject: str
    outcome: str
    inquiry_id: int | None
    refused: list[str]
    error: str | None


def messages(*, session: Session, actor: Actor, outcome: str | None = None, limit: int = 50) -> list[MailRead]:
    """The mail taken in, newest first (what became of each, and why)."""
    require(actor, Permission.INQUIRIES_READ)
    query = select(MailMessage).order_by(col(MailMessage.id).desc()).limit(limit)
    if outcome:
        query = query.where(MailMessage.outcome == outcome)
    return [MailRead.model_validate(row, from_attributes=True) for row in session.exec(query)]
