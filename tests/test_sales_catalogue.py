"""The sales catalogue (issue 26, item 1), on SQLite and PostgreSQL: products, price lists, sales processes and
discount limits travel with config as code; configuration rules (CEL) are checked while configuring; the price
list in force depends on the customer's client category and the day."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from helpers import ADMIN, act

from crmterm.errors import ConfigError
from crmterm.services.directory import config_io
from crmterm.services.sales import catalogue
from crmterm.services.sales.configuration import Line, ProductDef, problems
from crmterm.store.db import unit_of_work


def _import(url: str, path: Path, document: dict):
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    with unit_of_work(url) as session:
        return config_io.import_file(session=session, actor=ADMIN, path=path)


def test_the_catalogue_is_exported_reimported_unchanged_and_edited(demo_url, tmp_path):
    with unit_of_work(demo_url) as session:
        exported = config_io.export_config(session=session, actor=ADMIN)
    sales = {name: exported[name] for name in ("products", "price_lists", "sales_processes", "discount_limits")}
    bundle = next(p for p in sales["products"] if p["code"] == "office_pack")
    assert bundle["components"][3] == {"code": "ip_phone", "quantity": 4}
    assert sales["discount_limits"] == [{"role": "agent", "percent": "5.00"},
                                        {"role": "supervisor", "percent": "20.00"}]
    assert _import(demo_url, tmp_path / "same.yaml", sales).changes == 0
    general = next(p for p in sales["price_lists"] if p["code"] == "general_2026")
    changed = _import(demo_url, tmp_path / "new.yaml", {
        "products": [{"code": "fax", "kind": "device", "names": {"en": "Fax", "ru": "Факс"}}],
        "price_lists": [{**general, "prices": {**general["prices"], "fax": "99.5"}}]})
    assert (changed.created, changed.updated) == ({"products": 1}, {"price_lists": 1})
    assert act(demo_url, catalogue.get_price_list, ADMIN, code="general_2026").prices["fax"] == Decimal("99.50")
    assert act(demo_url, catalogue.get_product, ADMIN, code="fax").name == "Fax"


BAD_ENTRIES = [
    ({"products": [{"code": "x", "rules": {"quantity": "qty >"}}]}, "products 'x': rules.quantity: column"),
    ({"products": [{"code": "x", "rules": {"requires": ["nope"]}}]},
     "products 'x': rules.requires: unknown reference 'nope'"),
    ({"products": [{"code": "x", "rules": {"quantity": "quote.total > 1"}}]}, "unknown variable 'quote'"),
    ({"price_lists": [{"code": "p", "valid_from": "2026-01-01", "prices": {"nope": 1}}]},
     "price_lists 'p': prices: unknown reference 'nope'"),
    ({"price_lists": [{"code": "p", "valid_from": "2026-01-01", "category": "martians"}]},
     "price_lists 'p': category: unknown reference 'martians'"),
    ({"sales_processes": [{"code": "s", "stages": [{"code": "a", "probability": 10}]}]},
     "one stage with outcome won and one with outcome lost"),
    ({"discount_limits": [{"role": "pilot", "percent": 5}]}, "discount_limits: role: unknown reference 'pilot'"),
]


def test_bad_catalogue_entries_are_refused_whole(demo_url, tmp_path):
    for entry, message in BAD_ENTRIES:  # one database for all: a refused file writes nothing
        with pytest.raises(ConfigError) as refused:
            _import(demo_url, tmp_path / "bad.yaml", entry)
        assert message in str(refused.value)
    assert act(demo_url, catalogue.list_products, ADMIN, kind="bundle")[0].code == "office_pack"


def _product(code: str, kind: str = "tariff", **rules) -> ProductDef:
    options = ("static_ip",) if kind == "tariff" else ()
    components = (("internet", 1), ("router", 1)) if kind == "bundle" else ()
    return ProductDef(code=code, kind=kind, names={"en": code}, unit="pcs", valid_from=None,
                      valid_to=date(2027, 1, 1) if code == "old" else None, options=options, components=components,
                      rules=rules)


CATALOGUE = {p.code: p for p in (
    _product("internet", requires=["router"], excludes=["dsl"], quantity="qty == 1"),
    _product("dsl"), _product("router", "device"), _product("static_ip", "option"), _product("old"),
    _product("pack", "bundle"),
    _product("vip_line", checks=[{"rule": 'customer.category == "vip"', "message": {"en": "VIP only"}}]))}


def test_configuration_rules_are_checked_item_by_item():
    def check(*lines: tuple[str, int], category: str = "b2b", on: date = date(2026, 6, 1)):
        return problems([Line(i + 1, code, qty) for i, (code, qty) in enumerate(lines)], CATALOGUE,
                        {"category": category, "kind": "organisation"}, on)

    assert check(("internet", 1), ("router", 1), ("static_ip", 2)) == {}
    assert check(("internet", 2), ("dsl", 1)) == {1: ["requires router", "cannot be combined with dsl",
                                                     "quantity 2 is not allowed (qty == 1)"]}
    assert check(("static_ip", 1)) == {1: ["an option: add a product that offers it"]}
    assert check(("pack", 1), ("static_ip", 1)) == {2: ["an option: add a product that offers it"]}
    assert check(("pack", 1), ("dsl", 1)) == {}  # the bundle's internet is not the customer's item
    assert check(("old", 1), on=date(2027, 1, 1)) == {1: ["not on sale on 2027-01-01"]}
    assert check(("vip_line", 1)) == {1: ["VIP only"]} and check(("vip_line", 1), category="vip") == {}
    assert check(("nothing", 1)) == {1: ["unknown product 'nothing'"]}


def test_the_price_list_in_force_follows_the_category_and_the_day(demo_url):
    with unit_of_work(demo_url) as session:
        found = [catalogue.in_force(session, category, on).code for category, on in (
            ("b2b", date(2026, 3, 1)), ("b2b", date(2025, 6, 1)), ("b2c", date(2026, 3, 1)),
            (None, date(2026, 3, 1)))]
    assert found == ["b2b_2026", "b2b_2025", "general_2026", "general_2026"]
