"""Quotes: a customer's configured, priced items; drafts are edited, revisions share the quote's number.

Every change to a draft reprices it and stores what it priced (item prices, structural discount, totals), so
lists and reports read totals without pricing, and the revision that is sent keeps what the customer saw.
States and their changes are quote_states; documents (export, compare) quote_documents."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from crmterm.errors import Conflict, NotFound, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor
from crmterm.services.billing import blacklist
from crmterm.services.customers import customers, structures
from crmterm.services.sales import catalogue, process_config, quote_views, sales_access
from crmterm.services.sales.config_fields import decimal
from crmterm.services.sales.quote_views import QuoteRead
from crmterm.store import ClientCategory, Opportunity, Quote, QuoteItem, User, utcnow
from crmterm.store.tables import saved_id

VALID_DAYS = 30  # a new quote's validity when none is given
MAX_ITEMS = 500
MAX_QUANTITY = 1_000_000


class QuoteSummary(BaseModel):
    id: int
    number: str
    revision: int
    party_id: int
    customer: str
    owner: str | None
    state: str
    valid_until: date
    currency: str
    total: Decimal


def create_quote(*, session: Session, actor: Actor, party_id: int, opportunity_id: int | None = None,
                 valid_until: date | None = None, source: str = "tui") -> QuoteRead:
    """A draft for the customer, priced with the price list in force for its client category today."""
    sales_access.require_seller(actor)
    party = customers.get_party(session, party_id)
    blacklist.require_clearance(session, actor, party_id)
    if opportunity_id is not None:
        opportunity = session.get(Opportunity, opportunity_id)
        if opportunity is None or opportunity.party_id != party_id:
            raise NotFound(_("opportunity"), opportunity_id)
        sales_access.check_changes(actor, opportunity.owner_id)
    today = structures.today()
    category = session.get(ClientCategory, party.category_id) if party.category_id else None
    price_list = catalogue.in_force(session, category.code if category else None, today)
    until = valid_until or today + timedelta(days=VALID_DAYS)
    if until < today:
        raise ValidationError("valid_until", _("must not be in the past"))
    quote = Quote(number=f"new-{uuid.uuid4().hex[:12]}", party_id=party_id, opportunity_id=opportunity_id,
                  owner_id=actor.id, valid_until=until, price_list=price_list.code, currency=price_list.currency,
                  tax_rate=price_list.tax_rate, updated_by=actor.login)
    session.add(quote)
    session.flush()
    quote.number = f"Q-{saved_id(quote):06d}"  # from the id: unique without a counter to lock
    session.add(quote)
    return quote_views.read_quote(session, quote)


def get_quote(*, session: Session, actor: Actor, quote_id: int) -> QuoteRead:
    sales_access.require_sales_reader(actor)
    quote = quote_views.quote_row(session, quote_id)
    sales_access.check_reads(actor, quote.owner_id)
    return quote_views.read_quote(session, quote)


def list_quotes(*, session: Session, actor: Actor, party_id: int | None = None, number: str | None = None,
                limit: int = 200) -> list[QuoteSummary]:
    """Newest first; a sales agent sees their own."""
    sales_access.require_sales_reader(actor)
    query = (select(Quote, User.login).join(User, col(User.id) == Quote.owner_id, isouter=True)
             .order_by(col(Quote.id).desc()).limit(limit))
    if not sales_access.sees_all(actor):
        query = query.where(Quote.owner_id == actor.id)
    if party_id is not None:
        query = query.where(Quote.party_id == party_id)
    if number:
        query = query.where(Quote.number == number)
    rows = session.exec(query).all()
    names = customers_names(session, {quote.party_id for quote, _login in rows})
    return [QuoteSummary(id=saved_id(q), number=q.number, revision=q.revision, party_id=q.party_id,
                         customer=names.get(q.party_id, "?"), owner=login, state=quote_views.shown_state(q),
                         valid_until=q.valid_until, currency=q.currency, total=q.total) for q, login in rows]


def customers_names(session: Session, ids: set[int]) -> dict[int, str]:
    return structures.party_names(session, sorted(ids)) if ids else {}


def _draft(session: Session, actor: Actor, quote_id: int) -> Quote:
    sales_access.require_seller(actor)
    quote = quote_views.quote_row(session, quote_id)
    sales_access.check_changes(actor, quote.owner_id)
    if quote.state != "draft":
        raise Conflict(_("quote {number} rev. {rev} is {state}: revise it to change it").format(
            number=quote.number, rev=quote.revision, state=quote.state))
    return quote


def _quantity(quantity: int) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationError("quantity", _("expected a whole number from 1 to {max}").format(max=MAX_QUANTITY))
    return quantity


def _manual(session: Session, actor: Actor, raw) -> Decimal:
    percent = decimal(raw, "manual_discount", maximum=Decimal(100))
    limit = process_config.discount_limit(session, actor)
    if percent > limit:
        raise ValidationError("manual_discount", _("at most {limit} % for your role").format(limit=limit))
    return percent


def add_item(*, session: Session, actor: Actor, quote_id: int, product: str, quantity: int = 1,
             manual_discount: Decimal | str | int = 0) -> QuoteRead:
    """Add a product; configuration problems do not refuse it — they show next to it until fixed."""
    quote = _draft(session, actor, quote_id)
    catalogue.get_product(session=session, actor=actor, code=product)
    items = quote_views.items_of(session, quote_id)
    if len(items) >= MAX_ITEMS:
        raise ValidationError("product", _("at most {n} items").format(n=MAX_ITEMS))
    position = max((item.position for item in items), default=0) + 1
    item = QuoteItem(quote_id=quote_id, position=position, product=product, quantity=_quantity(quantity),
                     manual_discount=_manual(session, actor, manual_discount))
    session.add(item)
    return _repriced(session, actor, quote, [*items, item])


def set_item(*, session: Session, actor: Actor, quote_id: int, position: int, quantity: int | None = None,
             manual_discount: Decimal | str | int | None = None) -> QuoteRead:
    quote = _draft(session, actor, quote_id)
    items = quote_views.items_of(session, quote_id)
    item = next((i for i in items if i.position == position), None)
    if item is None:
        raise NotFound(_("quote item"), position)
    if quantity is not None:
        item.quantity = _quantity(quantity)
    if manual_discount is not None:
        item.manual_discount = _manual(session, actor, manual_discount)
    session.add(item)
    return _repriced(session, actor, quote, items)


def remove_item(*, session: Session, actor: Actor, quote_id: int, position: int) -> QuoteRead:
    quote = _draft(session, actor, quote_id)
    items = quote_views.items_of(session, quote_id)
    item = next((i for i in items if i.position == position), None)
    if item is None:
        raise NotFound(_("quote item"), position)
    session.delete(item)
    return _repriced(session, actor, quote, [i for i in items if i is not item])


def _repriced(session: Session, actor: Actor, quote: Quote, items: list[QuoteItem]) -> QuoteRead:
    priced = quote_views.price_draft(session, quote, items)
    for item, line in zip(items, priced.lines, strict=True):
        item.unit_price, item.structural_discount = line.unit_price, line.structural_discount
        session.add(item)
    store_totals(quote, priced, actor.login)
    session.add(quote)
    _opportunity_amount(session, quote)
    session.flush()
    return quote_views.read_quote(session, quote, priced=priced)


def _opportunity_amount(session: Session, quote: Quote) -> None:
    """An open opportunity without a typed amount takes its quote's net total (and follows its revisions)."""
    opportunity = session.get(Opportunity, quote.opportunity_id) if quote.opportunity_id else None
    if opportunity is None or opportunity.state != "open":
        return
    if opportunity.quote_number == quote.number or (opportunity.amount is None and opportunity.quote_number is None):
        opportunity.amount, opportunity.currency, opportunity.quote_number = quote.net, quote.currency, quote.number
        session.add(opportunity)


def store_totals(quote: Quote, priced: quote_views.Priced, login: str) -> None:
    totals = quote_views.pricing.totals(priced.lines)
    quote.net, quote.tax, quote.total = totals.net, totals.tax, totals.total
    quote.currency, quote.tax_rate = priced.currency, priced.tax_rate
    quote.version, quote.updated_at, quote.updated_by = quote.version + 1, utcnow(), login


def revise_quote(*, session: Session, actor: Actor, quote_id: int) -> QuoteRead:
    """Revision n+1 of the quote's latest revision: a draft with the same items, valid for a new period."""
    sales_access.require_seller(actor)
    quote = quote_views.quote_row(session, quote_id)
    sales_access.check_changes(actor, quote.owner_id)
    if quote.state == "accepted":
        raise Conflict(_("quote {number} was accepted").format(number=quote.number))
    latest = session.exec(select(func.max(Quote.revision)).where(Quote.number == quote.number)).one()
    source = session.exec(select(Quote).where(Quote.number == quote.number, Quote.revision == latest)).one()
    today = structures.today()
    copy = Quote(number=quote.number, revision=latest + 1, party_id=source.party_id,
                 opportunity_id=source.opportunity_id, owner_id=source.owner_id,
                 valid_until=max(source.valid_until, today + timedelta(days=VALID_DAYS)),
                 price_list=catalogue.in_force(session, _category(session, source), today).code,
                 currency=source.currency, tax_rate=source.tax_rate, updated_by=actor.login)
    session.add(copy)
    session.flush()
    items = [QuoteItem(quote_id=saved_id(copy), position=i.position, product=i.product, quantity=i.quantity,
                       manual_discount=i.manual_discount) for i in quote_views.items_of(session, saved_id(source))]
    session.add_all(items)
    return _repriced(session, actor, copy, items)


def _category(session: Session, quote: Quote) -> str | None:
    party = customers.get_party(session, quote.party_id)
    category = session.get(ClientCategory, party.category_id) if party.category_id else None
    return category.code if category else None
