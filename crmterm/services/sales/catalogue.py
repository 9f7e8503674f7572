"""The catalogue as read by sales and by people: products with their options, bundles and rules, and price
lists per client category and period. Written by config as code (catalogue_config)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.errors import NotFound
from crmterm.i18n import _, pick
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.sales.configuration import ProductDef
from crmterm.store import SalesPriceList, SalesProduct

KINDS = ("product", "service", "tariff", "option", "device", "bundle")


class ProductRead(BaseModel):
    code: str
    kind: str
    name: str
    names: dict[str, str]
    unit: str
    valid_from: date | None
    valid_to: date | None
    options: list[str]
    components: list[dict]
    rules: dict
    active: bool


class PriceListRead(BaseModel):
    code: str
    name: str
    category: str | None
    valid_from: date
    valid_to: date | None
    currency: str
    tax_rate: Decimal
    prices: dict[str, Decimal]


def definition(row: SalesProduct) -> ProductDef:
    return ProductDef(code=row.code, kind=row.kind, names=dict(row.names), unit=row.unit, valid_from=row.valid_from,
                      valid_to=row.valid_to, options=tuple(row.options),
                      components=tuple((c["code"], int(c.get("quantity", 1))) for c in row.components),
                      rules=dict(row.rules))


def definitions(session: Session, codes: set[str] | None = None) -> dict[str, ProductDef]:
    """Products by code, with the components and options of those asked for (one query)."""
    query = select(SalesProduct)
    if codes is not None:
        query = query.where(col(SalesProduct.code).in_(sorted(codes)))
    return {row.code: definition(row) for row in session.exec(query)}


def _product_read(row: SalesProduct) -> ProductRead:
    return ProductRead(code=row.code, kind=row.kind, name=pick(row.names, row.code), names=dict(row.names),
                       unit=row.unit, valid_from=row.valid_from, valid_to=row.valid_to, options=list(row.options),
                       components=list(row.components), rules=dict(row.rules), active=row.active)


def list_products(*, session: Session, actor: Actor, kind: str | None = None,
                  on: date | None = None) -> list[ProductRead]:
    """The catalogue in code order; `on`: only what is on sale that day."""
    require(actor, Permission.DIRECTORY_READ)
    query = select(SalesProduct).order_by(col(SalesProduct.code))
    if kind:
        query = query.where(SalesProduct.kind == kind)
    found = [_product_read(row) for row in session.exec(query)]
    if on is not None:
        found = [p for p in found if p.active and (p.valid_from is None or p.valid_from <= on)
                 and (p.valid_to is None or on < p.valid_to)]
    return found


def get_product(*, session: Session, actor: Actor, code: str) -> ProductRead:
    require(actor, Permission.DIRECTORY_READ)
    row = session.exec(select(SalesProduct).where(SalesProduct.code == code)).first()
    if row is None:
        raise NotFound(_("product"), code)
    return _product_read(row)


def price_list_read(row: SalesPriceList) -> PriceListRead:
    return PriceListRead(code=row.code, name=pick(row.names, row.code), category=row.category,
                         valid_from=row.valid_from, valid_to=row.valid_to, currency=row.currency,
                         tax_rate=Decimal(row.tax_rate),
                         prices={code: Decimal(str(price)) for code, price in sorted(row.prices.items())})


def list_price_lists(*, session: Session, actor: Actor) -> list[PriceListRead]:
    require(actor, Permission.DIRECTORY_READ)
    rows = session.exec(select(SalesPriceList).order_by(col(SalesPriceList.valid_from), col(SalesPriceList.code)))
    return [price_list_read(row) for row in rows]


def get_price_list(*, session: Session, actor: Actor, code: str) -> PriceListRead:
    require(actor, Permission.DIRECTORY_READ)
    return price_list_read(price_list_row(session, code))


def price_list_row(session: Session, code: str) -> SalesPriceList:
    row = session.exec(select(SalesPriceList).where(SalesPriceList.code == code)).first()
    if row is None:
        raise NotFound(_("price list"), code)
    return row


def in_force(session: Session, category: str | None, on: date) -> SalesPriceList:
    """The price list for a client category on a day: the category's own, else one for every category; of
    several, the one that started last."""
    rows = session.exec(select(SalesPriceList).where(
        SalesPriceList.valid_from <= on, (col(SalesPriceList.valid_to).is_(None)) | (col(SalesPriceList.valid_to) > on),
        (col(SalesPriceList.category) == category) | (col(SalesPriceList.category).is_(None)))).all()
    ranked = sorted(rows, key=lambda r: (r.category is not None and r.category == category, r.valid_from, r.code))
    if not ranked:
        raise NotFound(_("price list"), _("{category} on {date}").format(category=category or "-",
                                                                         date=on.isoformat()))
    return ranked[-1]
