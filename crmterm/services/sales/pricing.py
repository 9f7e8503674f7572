"""Pricing a quote: list price from the price list, the customer's structural discounts, the item's manual
discount, tax, totals — pure arithmetic over what the quote service read in a fixed number of queries.

The structural discounts are those the customer card lists (own, inherited through structures, on contracts,
services/customers/customer_card.discounts_in_force); several apply one after another (15 % and 5 % make
19.25 %, never more than 100 %). A manual discount applies after them. Each amount is rounded half up to the
cent per item; the totals add the rounded items, so the lines always add up to the total."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_currency

from crmterm.i18n import current_language

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal, currency: str) -> str:
    """An amount as people read it in the current language: `1 234,50 ₽` (ru), `RUB 1,234.50` (en)."""
    return format_currency(value, currency, locale=current_language())


@dataclass(frozen=True)
class PricedLine:
    position: int
    product: str
    name: str
    unit: str
    quantity: int
    unit_price: Decimal | None  # None: the price list has no price for it
    list_amount: Decimal
    structural_discount: Decimal  # percent, all structural discounts together
    manual_discount: Decimal  # percent
    net: Decimal
    tax: Decimal
    total: Decimal
    included: tuple[str, ...] = ()  # a bundle's components
    problems: tuple[str, ...] = ()  # configuration rules it breaks


@dataclass(frozen=True)
class Totals:
    list_amount: Decimal
    discount: Decimal
    net: Decimal
    tax: Decimal
    total: Decimal


def combined(percents: list[Decimal]) -> Decimal:
    """Discounts applied one after another, as one percentage."""
    remaining = Decimal(1)
    for percent in percents:
        remaining *= (HUNDRED - min(max(percent, Decimal(0)), HUNDRED)) / HUNDRED
    return (Decimal(1) - remaining) * HUNDRED


def price_line(*, position: int, product: str, name: str, unit: str, quantity: int, unit_price: Decimal | None,
               structural: Decimal, manual: Decimal, tax_rate: Decimal, included: tuple[str, ...] = (),
               problems: tuple[str, ...] = ()) -> PricedLine:
    structural = cents(structural)  # as stored with a sent quote: a draft and its sent copy price alike
    list_amount = cents((unit_price or Decimal(0)) * quantity)
    net = cents(list_amount * (HUNDRED - structural) / HUNDRED * (HUNDRED - manual) / HUNDRED)
    tax = cents(net * tax_rate / HUNDRED)
    return PricedLine(position=position, product=product, name=name, unit=unit, quantity=quantity,
                      unit_price=unit_price, list_amount=list_amount, structural_discount=structural,
                      manual_discount=manual, net=net, tax=tax, total=net + tax, included=included,
                      problems=problems)


def totals(lines: list[PricedLine]) -> Totals:
    list_amount = sum((line.list_amount for line in lines), Decimal(0))
    net = sum((line.net for line in lines), Decimal(0))
    tax = sum((line.tax for line in lines), Decimal(0))
    return Totals(list_amount=list_amount, discount=list_amount - net, net=net, tax=tax, total=net + tax)
