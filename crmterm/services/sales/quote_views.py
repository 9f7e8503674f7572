"""A quote as people and scripts read it: its items priced, its configuration problems next to the items, its
totals with the currency formatted for the reader. A draft is priced live (price list in force, structural
discounts of today); a sent, accepted, rejected or expired quote shows what was sent.

Pricing reads a fixed number of rows whatever the number of items: the quote, its items, the customer and
its category, the products, the price list, the customer's discounts (customer_card.discounts_in_force)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.errors import NotFound
from crmterm.i18n import _
from crmterm.services.customers import customer_card, structures
from crmterm.services.sales import catalogue, configuration, pricing
from crmterm.services.sales.configuration import Line, ProductDef
from crmterm.store import ClientCategory, Party, Quote, QuoteItem, User

STATES = ("draft", "sent", "accepted", "rejected", "expired")


class QuoteLine(BaseModel):
    position: int
    product: str
    name: str
    unit: str
    quantity: int
    unit_price: Decimal | None
    list_amount: Decimal
    structural_discount: Decimal
    manual_discount: Decimal
    net: Decimal
    tax: Decimal
    total: Decimal
    included: list[str] = []
    problems: list[str] = []


class QuoteRead(BaseModel):
    id: int
    number: str
    revision: int
    party_id: int
    customer: str
    customer_email: str | None = None  # where sending proposes to send it
    opportunity_id: int | None
    owner: str | None
    state: str
    valid_until: date
    price_list: str
    currency: str
    tax_rate: Decimal
    lines: list[QuoteLine]
    list_amount: Decimal
    discount: Decimal
    net: Decimal
    tax: Decimal
    total: Decimal
    total_text: str  # the total in the reader's language, e.g. "1 234,50 ₽"
    discounts: list[str] = []  # the structural discounts applied, as the card lists them
    version: int = 1
    order: str | None = None  # the order accepting it made (set by accept_quote)

    @property
    def valid(self) -> bool:
        return not any(line.problems for line in self.lines)


@dataclass
class Priced:
    """What pricing a draft found, to be stored with its items when the draft changes."""

    lines: list[pricing.PricedLine]
    discounts: list[str]
    currency: str
    tax_rate: Decimal


def quote_row(session: Session, quote_id: int) -> Quote:
    quote = session.get(Quote, quote_id)
    if quote is None:
        raise NotFound(_("quote"), quote_id)
    return quote


def shown_state(quote: Quote, today: date | None = None) -> str:
    """A sent quote past its validity date is expired even before the scan marks it."""
    if quote.state == "sent" and quote.valid_until < (today or structures.today()):
        return "expired"
    return quote.state


def items_of(session: Session, quote_id: int) -> list[QuoteItem]:
    return list(session.exec(select(QuoteItem).where(QuoteItem.quote_id == quote_id)
                             .order_by(col(QuoteItem.position))))


def customer_context(session: Session, party: Party) -> dict:
    category = session.get(ClientCategory, party.category_id) if party.category_id else None
    return {"category": category.code if category else "", "kind": party.kind}


def price_draft(session: Session, quote: Quote, items: list[QuoteItem], on: date | None = None) -> Priced:
    """Price the items now: the quote's price list, the customer's discounts in force, the rules."""
    on = on or structures.today()
    party = session.get(Party, quote.party_id)
    if party is None:
        raise NotFound(_("customer"), quote.party_id)
    price_list = catalogue.price_list_row(session, quote.price_list)
    products = catalogue.definitions(session, {item.product for item in items})
    found = customer_card.discounts_in_force(session, quote.party_id, on)
    structural = pricing.combined([d.percent for d in found])
    lines = [Line(item.position, item.product, item.quantity) for item in items]
    problems = configuration.problems(lines, products, customer_context(session, party), on)
    priced = [_priced(item, products.get(item.product), price_list.prices, structural, Decimal(price_list.tax_rate),
                      problems.get(item.position, [])) for item in items]
    shown = [f"{d.percent} % ({d.applies_via})" for d in found]
    return Priced(priced, shown, price_list.currency, Decimal(price_list.tax_rate))


def _priced(item: QuoteItem, product: ProductDef | None, prices: dict, structural: Decimal, tax_rate: Decimal,
            problems: list[str]) -> pricing.PricedLine:
    price = prices.get(item.product)
    if price is None and product is not None:
        problems = [*problems, _("not in the price list")]
    return pricing.price_line(
        position=item.position, product=item.product, name=product.name() if product else item.product,
        unit=product.unit if product else "", quantity=item.quantity,
        unit_price=Decimal(str(price)) if price is not None else None, structural=structural,
        manual=Decimal(item.manual_discount), tax_rate=tax_rate, problems=tuple(problems),
        included=tuple(f"{qty} × {code}" for code, qty in product.components) if product else ())


def _as_sent(session: Session, quote: Quote, items: list[QuoteItem]) -> Priced:
    products = catalogue.definitions(session, {item.product for item in items})
    tax_rate = Decimal(quote.tax_rate)
    lines = [pricing.price_line(
        position=item.position, product=item.product,
        name=products[item.product].name() if item.product in products else item.product,
        unit=products[item.product].unit if item.product in products else "", quantity=item.quantity,
        unit_price=Decimal(item.unit_price) if item.unit_price is not None else None,
        structural=Decimal(item.structural_discount), manual=Decimal(item.manual_discount), tax_rate=tax_rate)
        for item in items]
    return Priced(lines, [], quote.currency, tax_rate)


def read_quote(session: Session, quote: Quote, today: date | None = None, priced: Priced | None = None) -> QuoteRead:
    """`priced`: what the caller has just priced (a change to a draft), so it is not priced twice."""
    if priced is None:
        items = items_of(session, quote.id or 0)
        priced = price_draft(session, quote, items, today) if quote.state == "draft" else \
            _as_sent(session, quote, items)
    totals = pricing.totals(priced.lines)
    party = session.get(Party, quote.party_id)
    owner = session.get(User, quote.owner_id) if quote.owner_id else None
    return QuoteRead(
        id=quote.id or 0, number=quote.number, revision=quote.revision, party_id=quote.party_id,
        customer=party.display_name if party else "?", customer_email=party.email if party else None,
        opportunity_id=quote.opportunity_id,
        owner=owner.login if owner else None, state=shown_state(quote, today), valid_until=quote.valid_until,
        price_list=quote.price_list, currency=priced.currency, tax_rate=priced.tax_rate,
        lines=[QuoteLine(**{**vars(line), "included": list(line.included), "problems": list(line.problems)})
               for line in priced.lines],
        list_amount=totals.list_amount, discount=totals.discount, net=totals.net, tax=totals.tax,
        total=totals.total, total_text=pricing.money(totals.total, priced.currency), discounts=priced.discounts,
        version=quote.version)
