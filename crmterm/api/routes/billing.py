"""`/customers/{id}/billing` and `/blacklist`: a customer's billing block (balance, overdue, the last invoices
and payments) — answered at once when billing is slow or down, as `"available": false` and `since` when — and
the blacklists: entries in force (keyset pages, newest first), added and lifted with blacklist.write."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import Field

from crmterm.api.deps import Services, services
from crmterm.api.errors import ERRORS
from crmterm.api.routes import _pages
from crmterm.api.routes._shapes import MAX_ID, Body, Cursor, Id, Limit, Page
from crmterm.services.billing import accounts, blacklist
from crmterm.services.billing.accounts import BillingBlock
from crmterm.services.billing.blacklist import BlacklistRead

router = APIRouter(tags=["billing"], responses=ERRORS)


class BillingShown(BillingBlock):
    since: datetime | None = None  # while billing is unavailable: since when (the same as unavailable_since)


class EntryIn(Body):
    kind: Annotated[str, Field(max_length=16)]  # customer (value: its number), phone or document
    value: Annotated[str, Field(min_length=1, max_length=64)]
    reason: Annotated[str, Field(max_length=16)]  # fraud or non_payment
    note: Annotated[str, Field(max_length=500)] = ""
    until: date | None = None  # default: until lifted


@router.get("/customers/{party_id}/billing", response_model=BillingShown)
def billing(party_id: Id, contract: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
            api: Services = Depends(services)) -> BillingShown:
    """Never waits on billing past its timeout (`billing.timeout_seconds`): then `available` is false."""
    block = api.read(accounts.get_account, party_id=party_id, contract_id=contract)
    return BillingShown(**block.model_dump(), since=block.unavailable_since)


@router.get("/blacklist", response_model=Page[BlacklistRead])
def list_entries(customer: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None, include_lifted: bool = False,
                 limit: Limit = 50, after: Cursor = None, api: Services = Depends(services)) -> Page[BlacklistRead]:
    """The entries in force (`include_lifted`: every one), or those concerning one customer."""
    found = api.read(blacklist.list_entries, party_id=customer, include_lifted=include_lifted)
    items, following = _pages.page(found, lambda e: (-e.id,), limit, after)
    return Page(items=items, next=following)


@router.post("/blacklist", status_code=201, response_model=BlacklistRead)
def add_entry(body: EntryIn, api: Services = Depends(services)) -> BlacklistRead:
    return api.write(blacklist.add_entry, **body.model_dump(), source="api")


@router.post("/blacklist/{entry_id}/lift", response_model=BlacklistRead)
def lift_entry(entry_id: Id, api: Services = Depends(services)) -> BlacklistRead:
    return api.write(blacklist.lift_entry, entry_id=entry_id, source="api")
