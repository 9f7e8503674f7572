"""`/customers`: search (keyset pages), the card as of a date, create, edit with a version check."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import Field

from crmterm.api.deps import Services, services
from crmterm.api.errors import ERRORS
from crmterm.api.routes._shapes import Body, Cursor, Id, Limit, Page
from crmterm.services.customers import customer_card, customer_search, customers
from crmterm.services.customers.customer_card import CardRead
from crmterm.services.customers.customer_search import SearchHit
from crmterm.services.customers.customers import PartyRead

router = APIRouter(prefix="/customers", tags=["customers"], responses=ERRORS)
Text = Annotated[str, Field(max_length=1000)]


class CustomerIn(Body):
    display_name: Text
    kind: Text = "person"
    names: dict[Text, Text] = {}
    category: Text | None = None
    email: Text | None = None
    phone: Text | None = None
    is_lead: bool = False


class CustomerEdit(Body):
    """Only the fields given change; `version` (from the card) refuses the edit if someone changed it since."""

    version: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    display_name: Text | None = None
    kind: Text | None = None
    category: Text | None = None
    status: Text | None = None
    email: Text | None = None
    phone: Text | None = None


@router.get("", response_model=Page[SearchHit])
def search(q: Annotated[str, Query(min_length=1, max_length=200)], limit: Limit = 20, after: Cursor = None,
           api: Services = Depends(services)) -> Page[SearchHit]:
    """Customers by name, e-mail, phone, contract number or id (as `crmterm customer search`)."""
    hits = api.read(customer_search.search, query=q, limit=limit, after=after)
    return Page(items=hits, next=hits[-1].cursor if len(hits) == limit else None)


@router.get("/{party_id}", response_model=CardRead)
def card(party_id: Id, as_of: date | None = None, api: Services = Depends(services)) -> CardRead:
    """The customer card, as it was on `as_of` (default today)."""
    return api.read(customer_card.get_card, party_id=party_id, as_of=as_of)


@router.post("", status_code=201, response_model=PartyRead)
def create(body: CustomerIn, api: Services = Depends(services)) -> PartyRead:
    return api.write(customers.create_party, values=body.model_dump(), source="api")


@router.patch("/{party_id}", response_model=PartyRead)
def edit(party_id: Id, body: CustomerEdit, api: Services = Depends(services)) -> PartyRead:
    values = body.model_dump(exclude_unset=True, exclude={"version"})
    return api.write(customers.update_party, party_id=party_id, values=values, expected_version=body.version,
                     source="api")
