"""The demo billing system's own tables: a stand-in for the real billing (BIS), kept apart from the CRM — its
own SQLite file next to the CRM's, or the schema `crm_billing` when the CRM is on PostgreSQL. Not CRM tables
(no model, no migration): billing owns them; `crmterm seed demo` creates and fills them (billing_demo)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Column, Date, MetaData, Numeric, String, Table
from sqlalchemy.engine import make_url

from crmterm.errors import ConfigError

SCHEMA = "crm_billing"
metadata = MetaData(schema=SCHEMA)
MONEY = Numeric(12, 2)

account = Table("billing_account", metadata, Column("customer", String(32), primary_key=True),
                Column("balance", MONEY, nullable=False), Column("credit_limit", MONEY, nullable=False),
                Column("currency", String(3), nullable=False))
service = Table("billing_service", metadata, Column("customer", String(32), index=True, nullable=False),
                Column("contract", String(64)), Column("code", String(64), nullable=False),
                Column("name", String(200), nullable=False), Column("since", Date))
invoice = Table("billing_invoice", metadata, Column("number", String(32), primary_key=True),
                Column("customer", String(32), index=True, nullable=False), Column("contract", String(64)),
                Column("issued_on", Date, nullable=False), Column("due_on", Date, nullable=False),
                Column("amount", MONEY, nullable=False), Column("paid", MONEY, nullable=False))
payment = Table("billing_payment", metadata, Column("reference", String(32), primary_key=True),
                Column("customer", String(32), index=True, nullable=False), Column("contract", String(64)),
                Column("paid_on", Date, nullable=False), Column("amount", MONEY, nullable=False))


def demo_url(main_url: str) -> str:
    """Where the demo billing lives for the CRM database at `main_url`."""
    url = make_url(main_url)
    if url.get_backend_name() != "sqlite":
        return main_url  # the same server, its own schema
    if not url.database or url.database == ":memory:":
        raise ConfigError("billing: the demo adapter needs a database file (or set billing.url)")
    path = Path(url.database)
    return str(url.set(database=str(path.with_name(f"{path.stem}.billing{path.suffix or '.db'}"))))


def prefix(url: str) -> str:
    """How the demo queries name the tables: schema-qualified on PostgreSQL, plain in the SQLite file."""
    return "" if make_url(url).get_backend_name() == "sqlite" else f"{SCHEMA}."


def translate(url: str) -> dict:
    """Execution options that put the tables where `prefix` says."""
    return {"schema_translate_map": {SCHEMA: None}} if make_url(url).get_backend_name() == "sqlite" else {}


def _query(p: str, where: str) -> str:
    return where.format(p=p, contract="(CAST(:contract AS VARCHAR(64)) IS NULL OR contract = :contract)")


def demo_queries(url: str) -> dict[str, str]:
    """The demo billing read through the generic SQL adapter: the same queries a site would configure."""
    p = prefix(url)
    return {name: _query(p, sql) for name, sql in {
        "account": "SELECT balance, credit_limit, currency FROM {p}billing_account WHERE customer = :customer",
        "services": "SELECT code, name, since FROM {p}billing_service WHERE customer = :customer AND {contract} "
                    "ORDER BY code",
        "invoices": "SELECT number, issued_on, due_on, amount, paid FROM {p}billing_invoice "
                    "WHERE customer = :customer AND {contract} ORDER BY issued_on DESC, number DESC",
        "payments": "SELECT paid_on, amount, reference FROM {p}billing_payment WHERE customer = :customer "
                    "AND {contract} ORDER BY paid_on DESC, reference DESC",
    }.items()}
