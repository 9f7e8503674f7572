"""Configuration rules of the catalogue, checked while a quote is configured.

A product's `rules` say what it needs, what it cannot be combined with and how many of it are allowed; each
becomes a CEL expression (workflow/rules) over the quote being configured:

    items     map of product code -> quantity in the quote (a bundle's components count as present)
    qty       the quantity of the item being checked
    customer  {category, kind} of the quote's customer

    rules:
      requires: [router]                     # "router" in items
      excludes: [tv_basic]                   # !("tv_basic" in items)
      quantity: "qty >= 1 && qty <= 10"      # any CEL over the variables above
      checks: [{rule: 'customer.category == "b2b"', message: {en: Business customers only, ru: …}}]

An option is allowed only next to a product that offers it (its `options`). Every problem is reported at the
item it concerns, so the quote editor shows it next to the item."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from crmterm.errors import ValidationError
from crmterm.i18n import _, pick
from crmterm.workflow import rules

VARIABLES = ("items", "qty", "customer")
RULE_KEYS = ("requires", "excludes", "quantity", "checks")


@dataclass(frozen=True)
class ProductDef:
    code: str
    kind: str
    names: dict
    unit: str
    valid_from: date | None
    valid_to: date | None
    options: tuple[str, ...]
    components: tuple[tuple[str, int], ...]
    rules: dict

    def name(self) -> str:
        return pick(self.names, self.code)

    def on_sale(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on < self.valid_to)


@dataclass(frozen=True)
class Line:
    position: int
    product: str
    quantity: int


def cel_string(code: str) -> str:
    return json.dumps(code)  # a CEL string literal: JSON's escaping is CEL's


def clean_rules(raw: object, known_product) -> dict:
    """The `rules` of a product as stored: lists of codes and CEL texts, every CEL text compiled once here."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ValidationError("rules", _("expected a mapping"))
    unknown = set(raw) - set(RULE_KEYS)
    if unknown:
        raise ValidationError(f"rules.{sorted(unknown, key=str)[0]}", _("unknown field"))
    clean: dict = {}
    for key in ("requires", "excludes"):
        codes = raw.get(key) or []
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise ValidationError(f"rules.{key}", _("expected a list"))
        for code in codes:
            if not known_product(code):
                raise ValidationError(f"rules.{key}", _("unknown reference '{code}'").format(code=code))
        if codes:
            clean[key] = sorted(set(codes))
    if raw.get("quantity") not in (None, ""):
        clean["quantity"] = _checked_rule("rules.quantity", raw["quantity"])
    checks = raw.get("checks") or []
    if not isinstance(checks, list):
        raise ValidationError("rules.checks", _("expected a list"))
    if checks:
        clean["checks"] = [_clean_check(check) for check in checks]
    return clean


def _clean_check(check: object) -> dict:
    if not isinstance(check, dict) or set(check) - {"rule", "message"}:
        raise ValidationError("rules.checks", _("expected {rule: …, message: {en: …, ru: …}}"))
    message = check.get("message") or {}
    if isinstance(message, str):
        message = {"en": message}
    if not isinstance(message, dict) or not all(isinstance(v, str) for v in message.values()):
        raise ValidationError("rules.checks", _("expected names by language, e.g. en: …, ru: …"))
    return {"rule": _checked_rule("rules.checks", check.get("rule")), "message": dict(message)}


def _checked_rule(field: str, raw: object) -> str:
    if not isinstance(raw, str | bool):
        raise ValidationError(field, _("expected a CEL rule"))
    expression = rules.normalise(raw)
    found = rules.problems(expression, variables=VARIABLES)
    if found:
        raise ValidationError(field, str(found[0]))
    return expression


def present(lines: list[Line], products: dict[str, ProductDef]) -> dict[str, int]:
    """Product code -> quantity in the quote; a bundle's components are there as many times as the bundle."""
    items: dict[str, int] = {}
    for line in lines:
        items[line.product] = items.get(line.product, 0) + line.quantity
        product = products.get(line.product)
        for code, per_bundle in product.components if product else ():
            items[code] = items.get(code, 0) + per_bundle * line.quantity
    return items


def problems(lines: list[Line], products: dict[str, ProductDef], customer: dict, on: date) -> dict[int, list[str]]:
    """Position -> what is wrong with that item (nothing for a valid configuration)."""
    items = present(lines, products)
    offered = {option for line in lines if line.product in products for option in products[line.product].options}
    found: dict[int, list[str]] = {}
    for line in lines:
        product = products.get(line.product)
        if product is None:
            found[line.position] = [_("unknown product '{code}'").format(code=line.product)]
            continue
        wrong = _problems_of(line, product, items, customer, on)
        if product.kind == "option" and line.product not in offered:
            wrong.append(_("an option: add a product that offers it"))
        if wrong:
            found[line.position] = wrong
    return found


def _problems_of(line: Line, product: ProductDef, items: dict[str, int], customer: dict, on: date) -> list[str]:
    wrong = []
    if not product.on_sale(on):
        wrong.append(_("not on sale on {date}").format(date=on.isoformat()))
    if line.quantity < 1:
        wrong.append(_("the quantity must be at least 1"))
    context = {"items": items, "qty": line.quantity, "customer": customer}
    for code in product.rules.get("requires", []):
        if not rules.holds(f"{cel_string(code)} in items", context):
            wrong.append(_("requires {code}").format(code=code))
    for code in product.rules.get("excludes", []):
        if code != product.code and not rules.holds(f"!({cel_string(code)} in items)", context):
            wrong.append(_("cannot be combined with {code}").format(code=code))
    quantity = product.rules.get("quantity")
    if quantity and not rules.holds(quantity, context):
        wrong.append(_("quantity {qty} is not allowed ({rule})").format(qty=line.quantity, rule=quantity))
    for check in product.rules.get("checks", []):
        if not rules.holds(check["rule"], context):
            wrong.append(pick(check["message"], check["rule"]))
    return wrong
