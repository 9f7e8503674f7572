"""Promised payments: a customer promises to pay an amount by a day, against their debt and, when they have
one, their open dunning inquiry (which then waits in its `promise` step). The promise remembers what the
customer had paid when promising; the collections scan (dunning.scan → settle) finds it kept once they have
paid that much more, or broken when the day has passed short of it — flagged once, written in the customer's
history and on the inquiry, and escalated: the inquiry moves on to the suspension request with high priority
(or, if a person moved it elsewhere, only its priority goes up)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.errors import Conflict, NotFound, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.collections import cases
from crmterm.services.customers import history, structures
from crmterm.services.inquiries import inquiries
from crmterm.store import Inquiry, Party, PaymentPromise, utcnow
from crmterm.store.decimals import money
from crmterm.store.tables import saved_id

OPEN, KEPT, BROKEN = "open", "kept", "broken"
LONGEST = timedelta(days=92)  # a promise further away than a quarter is no promise to track


class PromiseRead(BaseModel):
    id: int
    party_id: int
    customer: str
    inquiry_id: int | None
    amount: Decimal
    promised_on: date
    paid_since: Decimal  # paid on the customer's receivables since the promise
    state: str
    note: str
    created_by: str
    created_at: datetime
    settled_at: datetime | None


def record_promise(*, session: Session, actor: Actor, party_id: int, amount: object, promised_on: date,
                   inquiry_id: int | None = None, note: str = "", source: str = "tui") -> PromiseRead:
    require(actor, Permission.COLLECTIONS_WORK)
    party = session.get(Party, party_id)
    if party is None:
        raise NotFound(_("Customer"), party_id)
    value = money("amount", amount, PaymentPromise.__table__.c.amount)  # type: ignore[attr-defined]
    today = structures.today()
    if not today <= promised_on <= today + LONGEST:
        raise ValidationError("date", _("between today and {last}").format(last=(today + LONGEST).isoformat()))
    inquiry_id = _case_of(session, party_id, inquiry_id)
    waiting = session.exec(select(PaymentPromise).where(PaymentPromise.party_id == party_id,
                                                        PaymentPromise.state == OPEN)).first()
    if waiting is not None:
        raise Conflict(_("customer {n} already promised {amount} by {day}").format(
            n=party_id, amount=waiting.amount, day=waiting.promised_on.isoformat()))
    row = PaymentPromise(party_id=party_id, inquiry_id=inquiry_id, amount=value, promised_on=promised_on,
                         paid_before=cases.paid_total(session, party_id), note=note.strip()[:500],
                         created_by=actor.login)
    session.add(row)
    session.flush()
    text = _("Promised to pay {amount} by {day}").format(amount=value, day=promised_on.isoformat())
    history.record(session, entity="party", entity_id=party_id, field="promised_payment", old=None, new=text,
                   by=actor.login, source=source)
    if inquiry_id is not None:
        inquiries.comment(session=session, actor=cases.COLLECTIONS, inquiry_id=inquiry_id,
                          text=f"{text} ({actor.login})" + (f": {row.note}" if row.note else ""))
        cases.push(session, inquiry_id, cases.PROMISED, {"promise_id": saved_id(row), "amount": str(value),
                                                         "promised_on": promised_on.isoformat()})
        cases.finish_call_tasks(session, inquiry_id)
    return _read(session, row, party.display_name)


def _case_of(session: Session, party_id: int, inquiry_id: int | None) -> int | None:
    """The inquiry the promise answers: the one named (the customer's), else the customer's open dunning case."""
    if inquiry_id is None:
        return cases.open_cases(session, [party_id]).get(party_id)
    inquiry = session.get(Inquiry, inquiry_id)
    if inquiry is None or inquiry.party_id != party_id:
        raise NotFound(_("Inquiry of customer {n}").format(n=party_id), inquiry_id)
    return inquiry_id


def list_promises(*, session: Session, actor: Actor, party_id: int | None = None, state: str | None = None,
                  limit: int = 200) -> list[PromiseRead]:
    """Newest first."""
    require(actor, Permission.CUSTOMERS_READ)
    query = select(PaymentPromise, Party.display_name).join(Party, col(Party.id) == PaymentPromise.party_id)
    if party_id is not None:
        query = query.where(PaymentPromise.party_id == party_id)
    if state is not None:
        query = query.where(PaymentPromise.state == state)
    rows = session.exec(query.order_by(col(PaymentPromise.id).desc()).limit(limit)).all()
    return [_read(session, row, name) for row, name in rows]


def _read(session: Session, row: PaymentPromise, customer: str) -> PromiseRead:
    paid_since = max(cases.paid_total(session, row.party_id) - row.paid_before, Decimal(0))
    return PromiseRead(id=saved_id(row), party_id=row.party_id, customer=customer, inquiry_id=row.inquiry_id,
                       amount=row.amount, promised_on=row.promised_on, paid_since=paid_since, state=row.state,
                       note=row.note, created_by=row.created_by, created_at=row.created_at,
                       settled_at=row.settled_at)


def settle(session: Session, as_of: date) -> tuple[list[int], list[int]]:
    """Open promises paid in full become kept; those whose day has passed short of it (the day before
    `as_of` at the latest) become broken and are escalated. Returns (kept ids, broken ids)."""
    kept, broken = [], []
    for row in session.exec(select(PaymentPromise).where(PaymentPromise.state == OPEN)
                            .order_by(col(PaymentPromise.id))).all():
        paid_since = cases.paid_total(session, row.party_id) - row.paid_before
        if paid_since >= row.amount:
            row.state, row.settled_at = KEPT, utcnow()
            kept.append(saved_id(row))
        elif row.promised_on < as_of:
            row.state, row.settled_at = BROKEN, utcnow()
            broken.append(saved_id(row))
            _escalate(session, row, max(paid_since, Decimal(0)))
        session.add(row)
    session.flush()
    return kept, broken


def _escalate(session: Session, row: PaymentPromise, paid_since: Decimal) -> None:
    text = _("Promise broken: {amount} was due by {day}, {paid} paid").format(
        amount=row.amount, day=row.promised_on.isoformat(), paid=paid_since)
    history.record(session, entity="party", entity_id=row.party_id, field="promised_payment",
                   old=_("promised"), new=text, by=cases.COLLECTIONS.login, source="scan")
    inquiry_id = row.inquiry_id or cases.open_cases(session, [row.party_id]).get(row.party_id)
    if inquiry_id is None or session.get(Inquiry, inquiry_id) is None:
        return
    row.inquiry_id = inquiry_id  # the case the scan found for a promise made before it was opened
    inquiries.comment(session=session, actor=cases.COLLECTIONS, inquiry_id=inquiry_id, text=text)
    if not cases.push(session, inquiry_id, cases.BROKEN, {"promise_id": saved_id(row), "amount": str(row.amount),
                                                           "promised_on": row.promised_on.isoformat()}):
        cases.raise_priority(session, inquiry_id, text)
