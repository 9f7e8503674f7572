"""`/quotes`: a customer's quotes (keyset pages, newest first), one quote with its lines and totals, a new quote
with its items in one request, its items added, changed and removed while it is a draft, and sending,
accepting and rejecting it — as `crmterm quote …`, with the sales roles of the services (a sales agent: their
own quotes; a blacklisted customer's quote: a supervisor's)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import Field
from sqlmodel import Session

from crmterm.api.deps import Services, services
from crmterm.api.errors import ERRORS
from crmterm.api.routes import _pages
from crmterm.api.routes._shapes import MAX_ID, Body, Cursor, Id, Limit, Page
from crmterm.services.accounts.permissions import Actor
from crmterm.services.sales import quote_states, quotes
from crmterm.services.sales.quote_states import QuoteSent
from crmterm.services.sales.quote_views import QuoteRead
from crmterm.services.sales.quotes import QuoteSummary

router = APIRouter(prefix="/quotes", tags=["sales"], responses=ERRORS)
Code = Annotated[str, Field(min_length=1, max_length=64)]
Quantity = Annotated[int, Field(ge=1, le=quotes.MAX_QUANTITY)]
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=7, decimal_places=2)]
Position = Annotated[int, Field(ge=1, le=MAX_ID)]


class ItemIn(Body):
    product: Code
    quantity: Quantity = 1
    manual_discount: Percent = Decimal(0)  # percent, within the role's limit


class QuoteIn(Body):
    """A draft for `customer`, priced with the price list in force for its client category."""

    customer: Annotated[int, Field(ge=1, le=MAX_ID)]
    opportunity: Annotated[int | None, Field(ge=1, le=MAX_ID)] = None
    valid_until: date | None = None
    items: Annotated[list[ItemIn], Field(max_length=quotes.MAX_ITEMS)] = []


class ItemEdit(Body):
    quantity: Quantity | None = None
    manual_discount: Percent | None = None


class SendIn(Body):
    to: Annotated[str | None, Field(max_length=254)] = None  # default: the customer's e-mail
    mail: bool = True  # false: handed over otherwise, only marked sent


class AcceptIn(Body):
    order_type: Annotated[str | None, Field(max_length=64)] = None


class RejectIn(Body):
    reason: Annotated[str, Field(max_length=500)] = ""


def _create_with_items(*, session: Session, actor: Actor, body: QuoteIn) -> QuoteRead:
    """The quote and its items in one transaction: a bad item leaves no half-made quote behind."""
    made = quotes.create_quote(session=session, actor=actor, party_id=body.customer, opportunity_id=body.opportunity,
                               valid_until=body.valid_until, source="api")
    for item in body.items:
        made = quotes.add_item(session=session, actor=actor, quote_id=made.id, product=item.product,
                               quantity=item.quantity, manual_discount=item.manual_discount)
    return made


@router.get("", response_model=Page[QuoteSummary])
def list_quotes(customer: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None, limit: Limit = 50,
                after: Cursor = None, api: Services = Depends(services)) -> Page[QuoteSummary]:
    """Newest first; a sales agent sees their own."""
    found = api.read(quotes.list_quotes, party_id=customer, limit=_pages.EVERYTHING)
    items, following = _pages.page(found, lambda q: (-q.id,), limit, after)
    return Page(items=items, next=following)


@router.post("", status_code=201, response_model=QuoteRead)
def create(body: QuoteIn, api: Services = Depends(services)) -> QuoteRead:
    return api.write(_create_with_items, body=body)


@router.get("/{quote_id}", response_model=QuoteRead)
def show(quote_id: Id, api: Services = Depends(services)) -> QuoteRead:
    """The quote with its lines, discounts, net, tax and total."""
    return api.read(quotes.get_quote, quote_id=quote_id)


@router.post("/{quote_id}/items", response_model=QuoteRead)
def add_item(quote_id: Id, body: ItemIn, api: Services = Depends(services)) -> QuoteRead:
    return api.write(quotes.add_item, quote_id=quote_id, **body.model_dump())


@router.patch("/{quote_id}/items/{position}", response_model=QuoteRead)
def change_item(quote_id: Id, position: Id, body: ItemEdit, api: Services = Depends(services)) -> QuoteRead:
    return api.write(quotes.set_item, quote_id=quote_id, position=position, **body.model_dump())


@router.delete("/{quote_id}/items/{position}", response_model=QuoteRead)
def remove_item(quote_id: Id, position: Id, api: Services = Depends(services)) -> QuoteRead:
    return api.write(quotes.remove_item, quote_id=quote_id, position=position)


@router.post("/{quote_id}/send", response_model=QuoteSent)
def send(quote_id: Id, body: SendIn, api: Services = Depends(services)) -> Any:
    return api.write(quote_states.send_quote, quote_id=quote_id, to=body.to, mail=body.mail)


@router.post("/{quote_id}/accept", response_model=QuoteRead)
def accept(quote_id: Id, body: AcceptIn, api: Services = Depends(services)) -> QuoteRead:
    """The customer accepted: the quote becomes an order (`order`) of `order_type` (default: the configured one)."""
    return api.write(quote_states.accept_quote, quote_id=quote_id, order_type=body.order_type)


@router.post("/{quote_id}/reject", response_model=QuoteRead)
def reject(quote_id: Id, body: RejectIn, api: Services = Depends(services)) -> QuoteRead:
    return api.write(quote_states.reject_quote, quote_id=quote_id, reason=body.reason)
