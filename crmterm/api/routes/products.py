"""`/products`: the sales catalogue (keyset pages by code) and one product, as `crmterm product list | show`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from crmterm.api.deps import Services, services
from crmterm.api.errors import ERRORS
from crmterm.api.routes import _pages
from crmterm.api.routes._shapes import Cursor, Limit, Page
from crmterm.services.sales import catalogue
from crmterm.services.sales.catalogue import ProductRead

router = APIRouter(prefix="/products", tags=["sales"], responses=ERRORS)


@router.get("", response_model=Page[ProductRead])
def list_products(kind: Annotated[str | None, Query(max_length=32)] = None, on: date | None = None,
                  limit: Limit = 50, after: Cursor = None, api: Services = Depends(services)) -> Page[ProductRead]:
    """The catalogue by code; `on`: only what is on sale that day."""
    found = api.read(catalogue.list_products, kind=kind, on=on)
    items, following = _pages.page(found, lambda p: (p.code,), limit, after)
    return Page(items=items, next=following)


@router.get("/{code}", response_model=ProductRead)
def show(code: Annotated[str, Path(max_length=64)], api: Services = Depends(services)) -> ProductRead:
    return api.read(catalogue.get_product, code=code)
