"""The billing adapter interface: what the CRM asks of a billing system, and how an adapter is found.

An adapter is a factory registered under the entry-point group `crmterm.billing` (or one of the two built in:
`demo`, `sql`), called as `factory(config, main_url)` and returning an object with `read(key) -> Account`.
`config` is the `billing:` section of config.yaml (services/billing/billing_config); `main_url` the CRM's own
database URL (the demo adapter keeps its billing database next to it). `read` may be slow or raise: the
caller (services/billing/accounts) bounds it with a timeout and remembers the failure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from importlib.metadata import entry_points
from typing import Any, Protocol

from crmterm.errors import ConfigError

GROUP = "crmterm.billing"


@dataclass(frozen=True)
class BillingKey:
    """Whom to read: a customer (the party's number), narrowed to a contract or a subscriber's number."""

    customer: str
    contract: str | None = None
    subscriber: str | None = None


@dataclass(frozen=True)
class Invoice:
    number: str
    issued_on: date
    due_on: date
    amount: Decimal
    paid: Decimal = Decimal(0)

    @property
    def open_amount(self) -> Decimal:
        return max(self.amount - self.paid, Decimal(0))

    def overdue_on(self, day: date) -> Decimal:
        return self.open_amount if self.due_on < day else Decimal(0)


@dataclass(frozen=True)
class BillingPayment:
    paid_on: date
    amount: Decimal
    reference: str = ""


@dataclass(frozen=True)
class ServiceInForce:
    code: str
    name: str
    since: date | None = None


@dataclass(frozen=True)
class Account:
    """One customer's (contract's, subscriber's) state in billing; a positive balance is money in hand."""

    balance: Decimal
    credit_limit: Decimal = Decimal(0)
    currency: str = "RUB"
    services: tuple[ServiceInForce, ...] = ()
    invoices: tuple[Invoice, ...] = ()  # newest first
    payments: tuple[BillingPayment, ...] = ()  # newest first
    extra: dict[str, Any] = field(default_factory=dict)

    def overdue(self, day: date) -> Decimal:
        return sum((invoice.overdue_on(day) for invoice in self.invoices), Decimal(0))


class BillingAdapter(Protocol):
    name: str

    def read(self, key: BillingKey) -> Account: ...


Factory = Callable[[Any, str], BillingAdapter]
_BUILT_IN = {"demo": "crmterm.services.billing.sql_adapter:demo_adapter",
             "sql": "crmterm.services.billing.sql_adapter:sql_adapter"}


@cache
def _registered() -> dict[str, Any]:
    return {ep.name: ep for ep in entry_points(group=GROUP)}


def factory(name: str) -> Factory:
    """The adapter factory called `name`: an installed plugin first, then the built-in ones."""
    if name in _registered():
        loaded: Factory = _registered()[name].load()
        return loaded
    if name not in _BUILT_IN:
        raise ConfigError(f"billing.adapter: unknown adapter {name!r} (installed: "
                          f"{', '.join(sorted({*_BUILT_IN, *_registered()}))})")
    module, _colon, attribute = _BUILT_IN[name].partition(":")
    import importlib

    built_in: Factory = getattr(importlib.import_module(module), attribute)
    return built_in
