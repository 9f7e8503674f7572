"""The generic SQL adapter: named queries from config.yaml run against the billing database, bound
parameters only (`:customer`, `:contract`, `:subscriber`, `:today`; a query uses the ones it needs).

    account   one row: balance, credit_limit (optional), currency (optional); no row: not in billing
    services  rows: code, name, since (optional)
    invoices  rows: number, issued_on, due_on, amount, paid (optional) — newest first
    payments  rows: paid_on, amount, reference (optional) — newest first

The demo adapter is this adapter over the demo billing database (demo_tables) with its built-in queries."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool

from crmterm.errors import ConfigError
from crmterm.services.billing import demo_tables
from crmterm.services.billing.adapters import Account, BillingKey, BillingPayment, Invoice, ServiceInForce
from crmterm.services.billing.billing_config import BillingConfig

QUERIES = ("account", "services", "invoices", "payments")


@cache
def engine(url: str) -> Engine:
    """One engine per billing database, holding no idle connection (reads are few: the answers are cached, and
    a billing database — or the CRM's own, for the demo — is never kept busy by us); connecting gives up
    quickly (the caller's timeout is the real bound)."""
    backend = make_url(url).get_backend_name()
    connect_args: dict[str, Any] = {"timeout": 2} if backend == "sqlite" else {"connect_timeout": 2}
    return create_engine(url, poolclass=NullPool, connect_args=connect_args)


def _money(value: Any) -> Decimal:
    return Decimal(str(value if value is not None else 0)).quantize(Decimal("0.01"))


def _day(value: Any) -> date | None:
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


class SqlAdapter:
    def __init__(self, name: str, url: str, queries: Mapping[str, str]) -> None:
        if "account" not in queries:
            raise ConfigError("billing.queries: the `account` query is required")
        unknown = set(queries) - set(QUERIES)
        if unknown:
            raise ConfigError(f"billing.queries: unknown {', '.join(sorted(unknown))} (use {', '.join(QUERIES)})")
        self.name, self.url, self.queries = name, url, dict(queries)

    def _rows(self, connection, name: str, key: BillingKey) -> list[Mapping[str, Any]]:
        if name not in self.queries:
            return []
        statement = text(self.queries[name])
        given = {"customer": key.customer, "contract": key.contract, "subscriber": key.subscriber,
                 "today": date.today()}
        params = {k: v for k, v in given.items() if k in statement._bindparams}
        return list(connection.execute(statement, params).mappings())

    def read(self, key: BillingKey) -> Account | None:
        with engine(self.url).connect() as connection:
            found = self._rows(connection, "account", key)
            if not found:
                return None
            row = found[0]
            return Account(
                balance=_money(row["balance"]), credit_limit=_money(row.get("credit_limit")),
                currency=str(row.get("currency") or "RUB"),
                services=tuple(ServiceInForce(code=str(r["code"]), name=str(r.get("name") or r["code"]),
                                              since=_day(r.get("since")))
                               for r in self._rows(connection, "services", key)),
                invoices=tuple(Invoice(number=str(r["number"]), issued_on=_day(r["issued_on"]) or date.min,
                                       due_on=_day(r["due_on"]) or date.min, amount=_money(r["amount"]),
                                       paid=_money(r.get("paid")))
                               for r in self._rows(connection, "invoices", key)),
                payments=tuple(BillingPayment(paid_on=_day(r["paid_on"]) or date.min, amount=_money(r["amount"]),
                                              reference=str(r.get("reference") or ""))
                               for r in self._rows(connection, "payments", key)))


def sql_adapter(config: BillingConfig, main_url: str) -> SqlAdapter:
    if not config.url:
        raise ConfigError("billing.url: the sql adapter needs the billing database's URL")
    return SqlAdapter("sql", config.url, config.queries)


def demo_adapter(config: BillingConfig, main_url: str) -> SqlAdapter:
    url = config.url or demo_tables.demo_url(main_url)
    return SqlAdapter("demo", url, demo_tables.demo_queries(url))
