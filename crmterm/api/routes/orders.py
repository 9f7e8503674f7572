"""`/orders`: the orders accepted quotes made — a customer's (keyset pages, newest first), one with its items,
and one cancelled with a reason (its handling inquiry with it) — as `crmterm order list | show | cancel`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import Field

from crmterm.api.deps import Services, services
from crmterm.api.errors import ERRORS
from crmterm.api.routes import _pages
from crmterm.api.routes._shapes import MAX_ID, Body, Cursor, Id, Limit, Page
from crmterm.services.sales import orders
from crmterm.services.sales.orders import OrderRead

router = APIRouter(prefix="/orders", tags=["sales"], responses=ERRORS)


class CancelIn(Body):
    reason: Annotated[str, Field(min_length=1, max_length=500)]


@router.get("", response_model=Page[OrderRead])
def list_orders(customer: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
                state: Annotated[str | None, Query(max_length=64)] = None, limit: Limit = 50, after: Cursor = None,
                api: Services = Depends(services)) -> Page[OrderRead]:
    """Newest first; a sales agent sees their own. `state`: a step code of its handling, completed or cancelled."""
    found = api.read(orders.list_orders, party_id=customer, state=state, limit=_pages.EVERYTHING)
    items, following = _pages.page(found, lambda o: (-o.id,), limit, after)
    return Page(items=items, next=following)


@router.get("/{order_id}", response_model=OrderRead)
def show(order_id: Id, api: Services = Depends(services)) -> OrderRead:
    return api.read(orders.get_order, order_id=order_id)


@router.post("/{order_id}/cancel", response_model=OrderRead)
def cancel(order_id: Id, body: CancelIn, api: Services = Depends(services)) -> OrderRead:
    return api.write(orders.cancel_order, order_id=order_id, reason=body.reason)
