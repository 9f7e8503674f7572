"""A customer's billing block: balance, credit limit, overdue amount, services in force, the last invoices and
payments — read from billing through the configured adapter, never making an agent wait on it.

Every read runs on a thread of its own and is waited for at most `billing.timeout_seconds` (default
1 s); an answer is kept `billing.cache_seconds` (default 30 s). A read that times out or fails gives the block
marked unavailable since the first failure in a row (the thread may finish later: its answer fills the cache),
so the card and registration open at once when billing is slow or down."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel
from sqlmodel import Session

from crmterm.errors import NotFound
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.billing import adapters, billing_config
from crmterm.services.billing.adapters import Account, BillingAdapter, BillingKey
from crmterm.store import Contract, Party, Subscriber, utcnow
from crmterm.workflow.rules import Deferred

SHOWN = 5  # invoices and payments on the card
_lock = threading.Lock()
_in_flight: dict[tuple[str, BillingKey], Future] = {}
_cache: dict[tuple[str, BillingKey], tuple[float, Account | None]] = {}
_down_since: dict[str, datetime] = {}
_override: tuple[BillingAdapter, billing_config.BillingConfig] | None = None


class InvoiceRead(BaseModel):
    number: str
    issued_on: date
    due_on: date
    amount: Decimal
    paid: Decimal
    overdue: bool


class PaymentRead(BaseModel):
    paid_on: date
    amount: Decimal
    reference: str


class ServiceRead(BaseModel):
    code: str
    name: str
    since: date | None


class BillingBlock(BaseModel):
    party_id: int
    adapter: str
    available: bool
    known: bool = False  # billing has an account for the customer
    unavailable_since: datetime | None = None
    problem: str | None = None
    balance: Decimal | None = None
    credit_limit: Decimal | None = None
    overdue: Decimal | None = None
    currency: str = "RUB"
    services: list[ServiceRead] = []
    invoices: list[InvoiceRead] = []  # the last SHOWN, newest first
    payments: list[PaymentRead] = []  # the last SHOWN, newest first

    @property
    def in_debt(self) -> bool:
        return bool(self.overdue) or (self.balance is not None and self.balance < 0)


@contextmanager
def using(adapter: BillingAdapter, *, timeout_seconds: float = 1.0, cache_seconds: float = 30.0) -> Iterator[None]:
    """Read through `adapter` instead of the configured one (tests, an embedding program)."""
    global _override
    _override = (adapter, billing_config.BillingConfig(adapter=adapter.name, timeout_seconds=timeout_seconds,
                                                       cache_seconds=cache_seconds))
    forget()
    try:
        yield
    finally:
        _override = None
        forget()


def forget() -> None:
    """Drop the cached answers and the failure marks."""
    with _lock:
        _cache.clear()
        _down_since.clear()
        _in_flight.clear()


def configured(session: Session) -> tuple[BillingAdapter, billing_config.BillingConfig]:
    """The adapter billing is read through and its settings (timeout, cache), for callers that read it
    themselves, uncached (a payment split must see what billing says now)."""
    if _override is not None:
        return _override
    config = billing_config.from_file()
    main_url = session.get_bind().engine.url.render_as_string(hide_password=False)
    return adapters.factory(config.adapter)(config, main_url), config


def configured_adapter(session: Session) -> BillingAdapter:
    """The adapter the card reads through, for a batch that reads billing itself (the receivables import)."""
    return configured(session)[0]


def key_of(session: Session, party_id: int, contract_id: int | None = None,
           subscriber_id: int | None = None) -> BillingKey:
    if session.get(Party, party_id) is None:
        raise NotFound(_("Customer"), party_id)
    contract = session.get(Contract, contract_id) if contract_id is not None else None
    subscriber = session.get(Subscriber, subscriber_id) if subscriber_id is not None else None
    if subscriber is not None and contract is None:
        contract = session.get(Contract, subscriber.contract_id)
    return BillingKey(customer=str(party_id), contract=contract.number if contract else None,
                      subscriber=subscriber.number if subscriber else None)


def get_account(*, session: Session, actor: Actor, party_id: int, contract_id: int | None = None,
                subscriber_id: int | None = None) -> BillingBlock:
    """The billing block of a customer (narrowed to a contract or subscriber); never waits past the timeout."""
    require(actor, Permission.CUSTOMERS_READ)
    return read_block(session, party_id, contract_id, subscriber_id)


def read_block(session: Session, party_id: int, contract_id: int | None = None,
               subscriber_id: int | None = None) -> BillingBlock:
    """get_account for a caller that has checked (rule contexts, the card)."""
    key = key_of(session, party_id, contract_id, subscriber_id)
    adapter, config = configured(session)
    cache_key = (f"{adapter.name}:{getattr(adapter, 'url', '')}", key)
    with _lock:
        cached = _cache.get(cache_key)
    if cached is not None and time.monotonic() - cached[0] < config.cache_seconds:
        return _block(party_id, adapter.name, cached[1])
    future = _start(adapter, key, cache_key)
    try:
        account = future.result(timeout=config.timeout_seconds)
    except FutureTimeout:
        return _unavailable(party_id, adapter.name, cache_key[0], _("billing did not answer in time"))
    except Exception as exc:  # noqa: BLE001 - whatever billing raises, the card opens without it
        return _unavailable(party_id, adapter.name, cache_key[0], str(exc).splitlines()[0][:200] or type(exc).__name__)
    return _block(party_id, adapter.name, account)


def _start(adapter: BillingAdapter, key: BillingKey, cache_key: tuple[str, BillingKey]) -> Future:
    """The read of `key` on a daemon thread (a hung billing must not keep a finished command from exiting, as a
    thread pool's workers would); a read already under way for the same key is shared, not repeated."""
    with _lock:
        running = _in_flight.get(cache_key)
        if running is not None:
            return running
        future: Future = Future()
        _in_flight[cache_key] = future

    def read() -> None:
        try:
            future.set_result(adapter.read(key))
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting caller
            future.set_exception(exc)

    future.add_done_callback(lambda done: _remember(cache_key, done))
    threading.Thread(target=read, name="billing-read", daemon=True).start()
    return future


def _remember(cache_key: tuple[str, BillingKey], done: Future) -> None:
    """A finished read, in time or late, fills the cache and clears the failure mark; a failed one does not."""
    with _lock:
        _in_flight.pop(cache_key, None)
    if done.exception() is not None:
        return
    with _lock:
        _cache[cache_key] = (time.monotonic(), done.result())
        _down_since.pop(cache_key[0], None)


def _unavailable(party_id: int, adapter: str, source: str, problem: str) -> BillingBlock:
    with _lock:
        since = _down_since.setdefault(source, utcnow())
    return BillingBlock(party_id=party_id, adapter=adapter, available=False, unavailable_since=since,
                        problem=problem)


def _block(party_id: int, adapter: str, account: Account | None) -> BillingBlock:
    if account is None:
        return BillingBlock(party_id=party_id, adapter=adapter, available=True)
    today = date.today()
    return BillingBlock(
        party_id=party_id, adapter=adapter, available=True, known=True, balance=account.balance,
        credit_limit=account.credit_limit, overdue=account.overdue(today), currency=account.currency,
        services=[ServiceRead(code=s.code, name=s.name, since=s.since) for s in account.services],
        invoices=[InvoiceRead(number=i.number, issued_on=i.issued_on, due_on=i.due_on, amount=i.amount,
                              paid=i.paid, overdue=i.overdue_on(today) > 0) for i in account.invoices[:SHOWN]],
        payments=[PaymentRead(paid_on=p.paid_on, amount=p.amount, reference=p.reference)
                  for p in account.payments[:SHOWN]])


def rule_fields(session: Session, party_id: int | None) -> dict[str, Deferred]:
    """`customer.balance`, `customer.overdue`, `customer.credit_limit` and `customer.in_debt` for a rule's
    context, asked of billing only when a rule reads them (missing while billing is unavailable: such a rule
    counts as false)."""
    if not party_id:
        return {}
    block = Deferred(lambda: read_block(session, party_id))

    def field(pick) -> Deferred:
        return Deferred(lambda: pick(block.value()) if block.value().known else None)

    return {"balance": field(lambda b: float(b.balance)), "overdue": field(lambda b: float(b.overdue)),
            "credit_limit": field(lambda b: float(b.credit_limit)), "in_debt": field(lambda b: b.in_debt)}
