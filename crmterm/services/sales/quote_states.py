"""A quote's states: draft → sent → accepted / rejected / expired. Sending freezes what was priced and queues
an e-mail to the customer in the notification outbox (`crmterm notify deliver` sends it); accepting gives the
quote's opportunity its amount; a sent quote past its validity date is expired (shown so at once, stored so by
`expire_quotes`). Only a quote's latest revision is sent or decided."""

from __future__ import annotations

import re
import uuid
from datetime import date

from pydantic import BaseModel
from sqlalchemy import update
from sqlmodel import Session, col, func, select

from crmterm.errors import Conflict, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.billing import blacklist
from crmterm.services.customers import structures
from crmterm.services.sales import orders, pricing, quote_views, sales_access
from crmterm.services.sales.quote_views import QuoteRead
from crmterm.services.sales.quotes import store_totals
from crmterm.services.sla.notifications import notify
from crmterm.store import Opportunity, Party, Quote, utcnow
from crmterm.store.tables import rowcount

SENT_EVENT = "quote_sent"  # the notification event (templates/notifications/quote_sent)
ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


class QuoteSent(BaseModel):
    quote: QuoteRead
    to: str
    notification_id: int | None


def _changeable(session: Session, actor: Actor, quote_id: int, *states: str) -> Quote:
    sales_access.require_seller(actor)
    quote = quote_views.quote_row(session, quote_id)
    sales_access.check_changes(actor, quote.owner_id)
    state = quote_views.shown_state(quote)
    if state not in states:
        raise Conflict(_("quote {number} rev. {rev} is {state}").format(number=quote.number, rev=quote.revision,
                                                                        state=state))
    latest = session.exec(select(func.max(Quote.revision)).where(Quote.number == quote.number)).one()
    if quote.revision != latest:
        raise Conflict(_("quote {number} has a newer revision ({rev})").format(number=quote.number, rev=latest))
    return quote


def send_quote(*, session: Session, actor: Actor, quote_id: int, to: str | None = None,
               mail: bool = True) -> QuoteSent:
    """Freeze the draft's prices and queue it by e-mail to `to` (default: the customer's address); `mail`
    False: handed over otherwise (on paper, in a meeting), only marked sent."""
    quote = _changeable(session, actor, quote_id, "draft")
    blacklist.require_clearance(session, actor, quote.party_id)
    items = quote_views.items_of(session, quote_id)
    priced = quote_views.price_draft(session, quote, items)
    if not items:
        raise ValidationError("items", _("the quote has no items"))
    wrong = [f"{line.position}. {line.product}: {line.problems[0]}" for line in priced.lines if line.problems]
    if wrong:
        raise ValidationError("items", _("fix the configuration first: {problem}").format(problem=wrong[0]))
    party = session.get(Party, quote.party_id)
    address = (to or (party.email if party else None) or "").strip()
    if mail and (not ADDRESS.match(address) or len(address) > 254):
        raise ValidationError("to", _("not an e-mail address: '{a}'").format(a=address[:80]))
    for item, line in zip(items, priced.lines, strict=True):
        item.unit_price, item.structural_discount = line.unit_price, line.structural_discount
        session.add(item)
    store_totals(quote, priced, actor.login)
    quote.state, quote.sent_at = "sent", utcnow()
    session.add(quote)
    session.flush()
    shown = quote_views.read_quote(session, quote)
    if not mail:
        return QuoteSent(quote=shown, to="", notification_id=None)
    queued = notify(session=session, event=SENT_EVENT, recipients=[f"email:{address}"], data=_mail_data(shown),
                    key=f"{SENT_EVENT}:{quote_id}:{uuid.uuid4().hex}")
    return QuoteSent(quote=shown, to=address, notification_id=queued[0] if queued else None)


def _mail_data(quote: QuoteRead) -> dict:
    return {"number": quote.number, "revision": quote.revision, "customer": quote.customer,
            "valid_until": quote.valid_until.isoformat(), "total": quote.total_text,
            "net": pricing.money(quote.net, quote.currency), "tax": pricing.money(quote.tax, quote.currency),
            "lines": [{"name": line.name, "quantity": line.quantity, "unit": line.unit,
                       "total": pricing.money(line.total, quote.currency)} for line in quote.lines]}


def accept_quote(*, session: Session, actor: Actor, quote_id: int, order_type: str | None = None,
                 make_order: bool = True) -> QuoteRead:
    """The customer accepted: its opportunity's amount becomes the quote's net total, and the quote becomes an
    order of `order_type` (default: the configured default type) whose handling runs on its route.
    `make_order` False: the order is made later (the demo makes its orders at the TUI's first start)."""
    quote = _changeable(session, actor, quote_id, "sent")
    quote.state, quote.decided_at, quote.updated_by = "accepted", utcnow(), actor.login
    quote.version += 1
    session.add(quote)
    if quote.opportunity_id is not None:
        opportunity = session.get(Opportunity, quote.opportunity_id)
        if opportunity is not None and opportunity.state == "open":
            opportunity.amount, opportunity.currency = quote.net, quote.currency
            opportunity.quote_number, opportunity.version = quote.number, opportunity.version + 1
            session.add(opportunity)
    session.flush()
    accepted = quote_views.read_quote(session, quote)
    order = orders.order_from_quote(session, accepted, order_type) if make_order else None
    return accepted.model_copy(update={"order": order.number if order else None})


def reject_quote(*, session: Session, actor: Actor, quote_id: int, reason: str = "") -> QuoteRead:
    quote = _changeable(session, actor, quote_id, "sent")
    quote.state, quote.decided_at, quote.reason = "rejected", utcnow(), reason.strip()[:500]
    quote.updated_by, quote.version = actor.login, quote.version + 1
    session.add(quote)
    session.flush()
    return quote_views.read_quote(session, quote)


def expire_quotes(*, session: Session, actor: Actor, today: date | None = None) -> int:
    """Mark every sent quote past its validity date expired; returns how many."""
    require(actor, Permission.SALES_SUPERVISE)
    today = today or structures.today()
    result = session.execute(update(Quote).where(col(Quote.state) == "sent", col(Quote.valid_until) < today)
                             .values(state="expired", version=Quote.version + 1, updated_by=actor.login)
                             .execution_options(synchronize_session=False))
    return rowcount(result)
