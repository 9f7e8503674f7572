"""The sales sections of a configuration document (config as code): the catalogue and its price lists.

    products:
      - {code: router, kind: device, names: {en: Wi-Fi router, ru: Wi-Fi роутер}, unit: pcs}
      - code: biz_internet
        kind: tariff
        names: {en: Business Internet 500, ru: Бизнес-интернет 500}
        unit: month
        valid_from: 2024-01-01
        options: [static_ip]
        rules: {requires: [router], quantity: "qty <= 10"}
      - {code: office_pack, kind: bundle, components: [{code: biz_internet}, {code: router}]}
    price_lists:
      - code: b2b_2026
        category: b2b              # none: every client category
        valid_from: 2026-01-01
        currency: RUB
        tax_rate: 20
        prices: {router: 4900, biz_internet: 3500}

Registered with the directory's registry by the sales package (its __init__). As in every section, an entry
missing from the file is left as it is."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.accounts import audit
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.directory.flat_section import FlatSection
from crmterm.services.directory.validation import RefExists
from crmterm.services.sales import config_fields as f
from crmterm.services.sales.catalogue import KINDS
from crmterm.services.sales.configuration import clean_rules
from crmterm.store import SalesPriceList, SalesProduct, utcnow

_MAX_PRICE = Decimal("999999999.99")


class RowSection(FlatSection):
    """A section whose entries are rows of one table keyed by `code`."""

    model: Any

    def key(self, clean: dict) -> str:
        return clean["code"]

    def _row(self, session: Session, key: str):
        return session.exec(select(self.model).where(self.model.code == key)).first()

    def current(self, session: Session, key: str) -> dict | None:
        row = self._row(session, key)
        return None if row is None else self.document(row)

    def create(self, session: Session, actor: Actor, clean: dict, source: str, ref_exists=None) -> None:
        require(actor, Permission.CONFIG_IMPORT)
        session.add(self.model(**self.columns(clean), updated_by=actor.login))
        audit.record(session, actor, "create", self.name, clean["code"], after=clean, source=source)

    def update(self, session: Session, actor: Actor, key: str, clean: dict, source: str,
               ref_exists=None) -> None:
        require(actor, Permission.CONFIG_IMPORT)
        row: Any = self._row(session, key)
        before = self.document(row)
        for name, value in self.columns(clean).items():
            setattr(row, name, value)
        row.version, row.updated_at, row.updated_by = row.version + 1, utcnow(), actor.login
        session.add(row)
        audit.record(session, actor, "update", self.name, key, before=before, after=clean, source=source)

    def export(self, session: Session, actor: Actor) -> list[dict]:
        require(actor, Permission.DIRECTORY_READ)
        return [self.document(row) for row in session.exec(select(self.model).order_by(self.model.code))]

    def columns(self, clean: dict) -> dict:
        raise NotImplementedError

    def document(self, row) -> dict:
        raise NotImplementedError


class ProductsSection(RowSection):
    """Products, services, tariffs, options, devices and bundles with their configuration rules."""

    name = "products"
    model = SalesProduct

    def clean(self, session: Session, values: dict, ref_exists: RefExists) -> dict:
        f.fields(values, {"code", "kind", "names", "unit", "valid_from", "valid_to", "options", "components",
                          "rules", "active"})
        kind = values.get("kind") or "product"
        if kind not in KINDS:
            raise ValidationError("kind", _("expected one of: {choices}").format(choices=", ".join(KINDS)))

        def product(code: str) -> bool:
            return f.known(session, ref_exists, self.name, SalesProduct, code)

        valid_from, valid_to = f.day(values, "valid_from"), f.day(values, "valid_to")
        if valid_from and valid_to and valid_to <= valid_from:
            raise ValidationError("valid_to", _("must be after valid_from"))
        active = values.get("active", True)
        if not isinstance(active, bool):
            raise ValidationError("active", _("expected yes or no"))
        unit = values.get("unit") or "pcs"
        if not isinstance(unit, str) or len(unit) > 16:
            raise ValidationError("unit", _("at most {n} characters").format(n=16))
        return {"code": f.code(values), "kind": kind, "names": f.names(values), "unit": unit,
                "valid_from": f.iso(valid_from), "valid_to": f.iso(valid_to),
                "options": _codes(values, "options", product),
                "components": _components(values, product, kind), "rules": clean_rules(values.get("rules"), product),
                "active": active}

    def columns(self, clean: dict) -> dict:
        return {**clean, "valid_from": f.day(clean, "valid_from"), "valid_to": f.day(clean, "valid_to")}

    def document(self, row: SalesProduct) -> dict:
        return {"code": row.code, "kind": row.kind, "names": dict(row.names), "unit": row.unit,
                "valid_from": f.iso(row.valid_from), "valid_to": f.iso(row.valid_to), "options": list(row.options),
                "components": [dict(c) for c in row.components], "rules": dict(row.rules), "active": row.active}


def _codes(values: dict, field: str, known) -> list[str]:
    codes = values.get(field) or []
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        raise ValidationError(field, _("expected a list"))
    for code in codes:
        if not known(code):
            raise ValidationError(field, _("unknown reference '{code}'").format(code=code))
    return sorted(set(codes))


def _components(values: dict, known, kind: str) -> list[dict]:
    raw = values.get("components") or []
    if raw and kind != "bundle":
        raise ValidationError("components", _("only a bundle has components"))
    if not isinstance(raw, list):
        raise ValidationError("components", _("expected a list"))
    clean = []
    for item in raw:
        item = {"code": item} if isinstance(item, str) else item
        if not isinstance(item, dict) or set(item) - {"code", "quantity"} or not known(str(item.get("code"))):
            raise ValidationError("components", _("unknown reference '{code}'").format(
                code=item.get("code") if isinstance(item, dict) else item))
        quantity = item.get("quantity", 1)
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise ValidationError("components", _("the quantity must be at least 1"))
        clean.append({"code": item["code"], "quantity": quantity})
    return clean


class PriceListsSection(RowSection):
    """Prices per client category and period, with a currency and a tax rate."""

    name = "price_lists"
    model = SalesPriceList

    def clean(self, session: Session, values: dict, ref_exists: RefExists) -> dict:
        f.fields(values, {"code", "names", "category", "valid_from", "valid_to", "currency", "tax_rate", "prices"})
        category = str(values["category"]) if values.get("category") else None
        if category is not None and not ref_exists("client_categories", str(category)):
            raise ValidationError("category", _("unknown reference '{code}'").format(code=category))
        valid_from, valid_to = f.day(values, "valid_from", required=True), f.day(values, "valid_to")
        if valid_from and valid_to and valid_to <= valid_from:
            raise ValidationError("valid_to", _("must be after valid_from"))
        currency = str(values.get("currency") or "RUB").upper()
        if len(currency) != 3 or not currency.isalpha():
            raise ValidationError("currency", _("expected a three-letter currency code (ISO 4217)"))
        prices = values.get("prices") or {}
        if not isinstance(prices, dict):
            raise ValidationError("prices", _("expected a mapping"))
        for code in prices:
            if not f.known(session, ref_exists, "products", SalesProduct, str(code)):
                raise ValidationError("prices", _("unknown reference '{code}'").format(code=code))
        return {"code": f.code(values), "names": f.names(values), "category": category,
                "valid_from": f.iso(valid_from), "valid_to": f.iso(valid_to), "currency": currency,
                "tax_rate": f.money_text(f.decimal(values.get("tax_rate", 0), "tax_rate", maximum=Decimal(100))),
                "prices": {str(code): f.money_text(f.decimal(price, f"prices.{code}", maximum=_MAX_PRICE))
                           for code, price in sorted(prices.items(), key=lambda kv: str(kv[0]))}}

    def columns(self, clean: dict) -> dict:
        return {**clean, "valid_from": f.day(clean, "valid_from"), "valid_to": f.day(clean, "valid_to"),
                "tax_rate": Decimal(clean["tax_rate"])}

    def document(self, row: SalesPriceList) -> dict:
        return {"code": row.code, "names": dict(row.names), "category": row.category,
                "valid_from": f.iso(row.valid_from), "valid_to": f.iso(row.valid_to), "currency": row.currency,
                "tax_rate": f.money_text(Decimal(row.tax_rate)), "prices": dict(sorted(row.prices.items()))}
