"""The billing link (issue 28, item 1), on SQLite and PostgreSQL: the demo adapter reads the demo billing
database filled by the seed; the generic SQL adapter runs configured queries with bound parameters against a
real database; a billing that does not answer in time gives the block "unavailable since …" at once, and the
answer it gives late fills the cache."""

from __future__ import annotations

import json
import threading
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from helpers import act
from sqlalchemy import create_engine, text
from sqlmodel import select

from crmterm.errors import ConfigError, NotFound
from crmterm.services.accounts.permissions import SYSTEM
from crmterm.services.billing import accounts, adapters, billing_config, billing_demo
from crmterm.services.billing.adapters import Account, BillingKey
from crmterm.store import Contract
from crmterm.store.db import unit_of_work


@pytest.fixture
def billing_url(demo_url):
    """The demo database with its demo billing (a SQLite copy leaves the billing file behind: fill it again)."""
    from conftest import owner_url

    act(owner_url(demo_url), billing_demo.seed_demo_billing, SYSTEM)
    accounts.forget()
    yield demo_url
    accounts.forget()


def _payer(url: str, contract: str) -> int:
    with unit_of_work(url) as session:
        return session.exec(select(Contract.payer_party_id).where(Contract.number == contract)).one()


def test_the_demo_adapter_reads_balance_services_invoices_and_payments(billing_url, people):
    blocks = [act(billing_url, accounts.get_account, people["agent"], party_id=party) for party in (1, 2)]
    assert all(block.available and block.known and block.adapter == "demo" for block in blocks)
    paying, owing = blocks
    assert paying.overdue == 0 and paying.balance is not None and paying.balance >= 0
    assert owing.overdue and owing.overdue > 0 and owing.balance == -owing.overdue and owing.in_debt
    assert [i.overdue for i in owing.invoices[:3]] == [True, True, False] and len(owing.invoices) == 5
    assert owing.services and owing.payments and owing.payments[0].paid_on > owing.payments[-1].paid_on
    assert act(billing_url, billing_demo.seed_demo_billing, SYSTEM) == 0  # filled once


def test_an_unknown_customer_is_refused_and_a_lead_has_no_billing_account(billing_url, people):
    with pytest.raises(NotFound):
        act(billing_url, accounts.get_account, people["agent"], party_id=999_999)


class SlowBilling:
    """A billing system that answers only after `delay` seconds."""

    name = "slow"

    def __init__(self, delay: float) -> None:
        self.delay, self.calls, self.done = delay, 0, threading.Event()

    def read(self, key: BillingKey) -> Account:
        self.calls += 1
        time.sleep(self.delay)
        self.done.set()
        return Account(balance=Decimal("-50.00"))


def test_a_billing_that_does_not_answer_in_time_gives_unavailable_at_once(billing_url, people):
    slow = SlowBilling(delay=1.0)
    with accounts.using(slow, timeout_seconds=0.1, cache_seconds=30):
        started = time.monotonic()
        first = act(billing_url, accounts.get_account, people["agent"], party_id=1)
        assert time.monotonic() - started < 0.8
        assert not first.available and first.unavailable_since is not None and first.balance is None
        again = act(billing_url, accounts.get_account, people["agent"], party_id=1)
        assert again.unavailable_since == first.unavailable_since  # since the first failure in a row
        assert slow.done.wait(5)
        time.sleep(0.05)  # the late answer is stored by the worker thread's callback
        late = act(billing_url, accounts.get_account, people["agent"], party_id=1)
        assert late.available and late.balance == Decimal("-50.00") and late.in_debt


class BrokenBilling:
    name = "broken"

    def read(self, key: BillingKey) -> Account:
        raise ConnectionError("billing host unreachable")


def test_a_failing_billing_is_marked_unavailable_with_its_problem(billing_url, people):
    with accounts.using(BrokenBilling()):
        block = act(billing_url, accounts.get_account, people["agent"], party_id=1)
    assert not block.available and block.problem == "billing host unreachable"


def _ago(days: int) -> str:
    return (date.today() - timedelta(days=days)).isoformat()


def _fill_bis(url: str) -> None:
    """A billing system of its own kind in the test database: other tables, other column names."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE bis_account (client VARCHAR(20), saldo NUMERIC(12, 2), "
                                "lim NUMERIC(12, 2))"))
        connection.execute(text("CREATE TABLE bis_bill (client VARCHAR(20), no VARCHAR(20), d DATE, due DATE, "
                                "total NUMERIC(12, 2), paid NUMERIC(12, 2))"))
        connection.execute(text("INSERT INTO bis_account VALUES ('7', -120.50, 500), ('8', 10, 0)"))
        connection.execute(text("INSERT INTO bis_bill VALUES (:c, :n, :d, :due, :t, :p)"), [
            {"c": "7", "n": "B-2", "d": _ago(40), "due": _ago(10), "t": "120.50", "p": "0"},
            {"c": "7", "n": "B-1", "d": _ago(70), "due": _ago(40), "t": "99", "p": "99"}])
    engine.dispose()


def test_the_sql_adapter_runs_the_configured_queries_with_bound_parameters(db_url):
    from conftest import owner_url

    _fill_bis(owner_url(db_url))
    config = billing_config.parse({"adapter": "sql", "url": db_url, "timeout_seconds": 2, "queries": {
        "account": "SELECT saldo AS balance, lim AS credit_limit FROM bis_account WHERE client = :customer",
        "invoices": "SELECT no AS number, d AS issued_on, due AS due_on, total AS amount, paid FROM bis_bill "
                    "WHERE client = :customer ORDER BY d DESC"}})
    adapter = adapters.factory(config.adapter)(config, db_url)
    account = adapter.read(BillingKey(customer="7"))
    assert account is not None and (account.balance, account.credit_limit) == (Decimal("-120.50"), Decimal("500.00"))
    assert [i.number for i in account.invoices] == ["B-2", "B-1"] and account.overdue(date.today()) == Decimal("120.50")
    assert adapter.read(BillingKey(customer="7' OR '1'='1")) is None  # a value, never SQL


def test_billing_settings_are_checked():
    with pytest.raises(ConfigError, match="timeout_seconds"):
        billing_config.parse({"timeout_seconds": "soon"})
    with pytest.raises(ConfigError, match="unknown adapter"):
        adapters.factory("nonesuch")
    with pytest.raises(ConfigError, match="account"):
        adapters.factory("sql")(billing_config.parse({"url": "sqlite:///x.db", "queries": {"invoices": "SELECT 1"}}),
                                "sqlite:///y.db")


def test_billing_show_prints_the_block_as_json(billing_url, tmp_path):
    from conftest import owner_url
    from test_cli import app, runner

    party = _payer(billing_url, "NORD-003")
    result = runner.invoke(app, ["--db", owner_url(billing_url), "billing", "show", str(party), "--json"],
                           env={"CRMTERM_HOME": str(tmp_path / "home")})
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["party_id"] == party and shown["available"] and shown["known"] and shown["invoices"]
