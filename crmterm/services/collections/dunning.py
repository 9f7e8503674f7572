"""The collections scan (`crmterm collections scan [--as-of DAY]`, from cron): the dunning process on the
route engine, run over the receivables.

1. Every customer with an invoice overdue on the day (`grace_days` past its due day) and no open dunning
   inquiry gets one (topic `dunning`, its route: cases.py): the reminder goes out through the webhook outbox
   (event collections.reminder, which an SMS or e-mail gateway subscribes to), the inquiry moves on to the
   collection call in its queue and a call task for that queue appears in the agents' work.
2. Promised payments are settled (promises.settle): kept ones closed, broken ones flagged and escalated.
3. A case whose customer owes nothing overdue any more moves along `dunning.paid` (closed as settled).
Idempotent: a second run on the same day changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy import false, text, update
from sqlmodel import Session

from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.collections import aging, cases, promises
from crmterm.services.customers import structures
from crmterm.services.inquiries import registration
from crmterm.services.inquiries.drafts import ContactDraft, InquiryDraft
from crmterm.services.integrations import outbox
from crmterm.services.work import tasks
from crmterm.store import Inquiry, Queue, utcnow

REMINDER_EVENT = "collections.reminder"  # the webhook event kind of the reminder to the customer
CALL_WITHIN = timedelta(days=1)  # the call task's due moment after the reminder


class ScanResult(BaseModel):
    as_of: date
    started: list[int] = []  # the new dunning inquiries
    tasks: list[int] = []  # their call tasks
    reminders: int = 0  # reminder messages queued in the outbox (one per subscribed gateway)
    kept: list[int] = []  # promises found kept
    broken: list[int] = []  # promises found broken (escalated)
    settled: list[int] = []  # dunning inquiries closed as paid


def scan(*, session: Session, actor: Actor, as_of: date | None = None, grace_days: int = 0) -> ScanResult:
    require(actor, Permission.COLLECTIONS_MANAGE)
    _one_scan_at_a_time(session)
    as_of = as_of or structures.today()
    result = ScanResult(as_of=as_of)
    debtors = aging.by_customer(session, as_of - timedelta(days=grace_days), overdue_only=True)
    open_now = cases.open_cases(session, [d.party_id for d in debtors if d.party_id is not None])
    for debtor in debtors:
        if debtor.party_id is not None and debtor.party_id not in open_now and debtor.overdue > 0:
            _start(session, debtor, result)
    result.kept, result.broken = promises.settle(session, as_of)
    result.settled = _close_paid(session, as_of)
    return result


def _one_scan_at_a_time(session: Session) -> None:
    """Two scans at once (cron and a supervisor) would each find no open case and start two: the second waits
    here until the first has committed, then reads its cases. PostgreSQL: an advisory lock for the transaction;
    SQLite: the write lock taken before reading (as services/platform/archive does)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext('crmterm.collections.scan'))"))
    else:
        session.execute(update(Inquiry).where(false()).values(version=Inquiry.version))


def _start(session: Session, debtor: aging.Aging, result: ScanResult) -> None:
    party_id = debtor.party_id or 0
    text = _("Overdue debt {amount} {currency} (open {total})").format(
        amount=debtor.overdue, currency=debtor.currency, total=debtor.total)
    draft = ContactDraft(customer=party_id, direction="out", text=text,
                         inquiries=[InquiryDraft(topic=cases.DUNNING_TOPIC, text=text, close=False)])
    inquiry_id = registration.register(session=session, actor=cases.COLLECTIONS, draft=draft).inquiry_ids[0]
    result.started.append(inquiry_id)
    result.reminders += outbox.publish(session, REMINDER_EVENT, {
        "customer_id": party_id, "inquiry_id": inquiry_id, "overdue": str(debtor.overdue),
        "open": str(debtor.total), "currency": debtor.currency, "as_of": result.as_of.isoformat()})
    cases.push(session, inquiry_id, cases.REMINDED, {"overdue": str(debtor.overdue), "currency": debtor.currency})
    result.tasks.append(_call_task(session, inquiry_id, debtor))


def _call_task(session: Session, inquiry_id: int, debtor: aging.Aging) -> int:
    """A task for the queue the case waits in (the call step's), so whoever works collections sees it."""
    inquiry = session.get(Inquiry, inquiry_id)
    found = session.get(Queue, inquiry.queue_id) if inquiry is not None and inquiry.queue_id else None
    title = _("Call {customer} about the overdue debt of {amount} {currency}").format(
        customer=debtor.name, amount=debtor.overdue, currency=debtor.currency)
    task = tasks.add_task(session=session, actor=cases.COLLECTIONS, title=title, due_at=utcnow() + CALL_WITHIN,
                          queue=found.code if found else None,
                          customer=debtor.party_id, inquiry=inquiry_id)
    return task.id


def _close_paid(session: Session, as_of: date) -> list[int]:
    """Cases of customers with nothing overdue any more (paid, or billing cancelled the invoices)."""
    still_owing = {d.party_id for d in aging.by_customer(session, as_of, overdue_only=True) if d.overdue > Decimal(0)}
    closed = []
    for party_id, inquiry_id in sorted(cases.open_cases(session).items()):
        if party_id not in still_owing and cases.push(session, inquiry_id, cases.PAID, {"as_of": as_of.isoformat()}):
            cases.finish_call_tasks(session, inquiry_id)
            closed.append(inquiry_id)
    return closed
