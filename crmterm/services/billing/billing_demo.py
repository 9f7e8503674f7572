"""The demo billing system, filled for the demo customers: an account per customer with monthly invoices for
half a year, the payments that settled most of them — and, for every third customer, invoices left unpaid past
their due date, so the card shows a debt (and a collections scan has work).

Idempotent: the tables are made when missing and filled only while empty. They live outside the CRM
(demo_tables), so this writes through its own connection, not the caller's session."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, insert, text
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.billing import blacklist, demo_tables
from crmterm.services.billing.sql_adapter import engine
from crmterm.store import BlacklistEntry, Contract, Party
from crmterm.store.tables import id_column

MONTHS = 6
_SERVICES = (("internet_100", "Internet 100 Mbit/s", Decimal("650")), ("mobile_business", "Mobile Business",
             Decimal("890")), ("tv_basic", "TV Basic", Decimal("350")), ("office_pack", "Office pack",
             Decimal("2400")))


def seed_demo_billing(*, session: Session, actor: Actor, today: date | None = None) -> int:
    """Returns the number of billing accounts made (0: the demo billing was filled already)."""
    require(actor, Permission.CONFIG_IMPORT)
    url = demo_tables.demo_url(session.get_bind().engine.url.render_as_string(hide_password=False))
    billing = engine(url).execution_options(**demo_tables.translate(url))
    with billing.begin() as connection:
        if not _make_tables(connection):
            return 0
        if connection.execute(core_select(func.count()).select_from(demo_tables.account)).scalar_one():
            return 0
        customers = _customers(session)
        for number, (party_id, contracts) in enumerate(customers):
            _fill(connection, party_id, contracts, number, today or date.today())
    return len(customers)


def _make_tables(connection) -> bool:
    """False: the tables are missing and this login may not make them (the CRM's application role seeding a
    database: the demo then has no billing, and the card says billing is unavailable)."""
    if connection.dialect.name == "sqlite":
        demo_tables.metadata.create_all(connection)
        return True
    if connection.execute(text("SELECT 1 FROM information_schema.schemata WHERE schema_name = :name"),
                          {"name": demo_tables.SCHEMA}).first():
        return True  # made by the database's owner already (creating a schema needs more than the CRM's login has)
    if not connection.execute(text("SELECT has_database_privilege(current_database(), 'CREATE')")).scalar_one():
        return False
    connection.exec_driver_sql(f"CREATE SCHEMA {demo_tables.SCHEMA}")
    demo_tables.metadata.create_all(connection)
    # the stand-in billing is readable by every login of the CRM
    connection.exec_driver_sql(f"GRANT USAGE ON SCHEMA {demo_tables.SCHEMA} TO PUBLIC")
    connection.exec_driver_sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA {demo_tables.SCHEMA} TO PUBLIC")
    return True


def _customers(session: Session) -> list[tuple[int, list[str]]]:
    parties = session.exec(select(id_column(Party)).where(col(Party.is_lead).is_(False), Party.status == "active")
                           .order_by(id_column(Party))).all()
    contracts: dict[int, list[str]] = {}
    for payer, number in session.exec(select(Contract.payer_party_id, Contract.number).order_by(Contract.number)):
        contracts.setdefault(payer, []).append(number)
    return [(party_id, contracts.get(party_id, [])) for party_id in parties]


def _fill(connection, party_id: int, contracts: list[str], number: int, today: date) -> None:
    chance = random.Random(party_id)  # the same demo every time
    customer, contract = str(party_id), (contracts[0] if contracts else None)
    code, name, fee = _SERVICES[number % len(_SERVICES)]
    debtor = number % 3 == 1  # every third customer owes the last two months
    invoices: list[dict] = []
    payments: list[dict] = []
    owed = Decimal(0)
    for month in range(MONTHS, 0, -1):
        issued = (today.replace(day=1) - timedelta(days=30 * month - 15)).replace(day=1)
        amount = fee + Decimal(chance.randrange(0, 200))
        unpaid = debtor and month <= 2
        owed += amount if unpaid else Decimal(0)
        ref = f"{party_id}-{issued:%Y%m}"
        invoices.append({"number": f"INV-{ref}", "customer": customer, "contract": contract, "issued_on": issued,
                         "due_on": issued + timedelta(days=20), "amount": amount,
                         "paid": Decimal(0) if unpaid else amount})
        if not unpaid:
            payments.append({"reference": f"PAY-{ref}", "customer": customer, "contract": contract,
                             "paid_on": issued + timedelta(days=chance.randrange(3, 18)), "amount": amount})
    connection.execute(insert(demo_tables.account), [{"customer": customer, "balance": -owed if owed else
                                                      Decimal(chance.randrange(0, 500)),
                                                      "credit_limit": Decimal(1000 if number % 2 else 0),
                                                      "currency": "RUB"}])
    connection.execute(insert(demo_tables.service), [{"customer": customer, "contract": contract, "code": code,
                                                      "name": name, "since": today - timedelta(days=400)}])
    connection.execute(insert(demo_tables.invoice), invoices)
    if payments:
        connection.execute(insert(demo_tables.payment), payments)


DEMO_DEBTOR = "C-00000020"  # a private customer months behind (the demo billing makes her a debtor)
DEMO_FRAUD_NUMBER = "+79165551234"  # a number known for fraud calls, no customer's


def seed_demo_blacklist(*, session: Session, actor: Actor) -> int:
    """The demo's blacklist: a debtor flagged for non-payment, a fraudsters' number. Only into an empty
    blacklist; returns the number of entries made."""
    require(actor, Permission.CONFIG_IMPORT)
    if session.exec(select(func.count()).select_from(BlacklistEntry)).one():
        return 0
    debtor = session.exec(select(Contract.payer_party_id).where(Contract.number == DEMO_DEBTOR)).first()
    made = 0
    if debtor is not None:
        blacklist.add_entry(session=session, actor=actor, kind="customer", value=str(debtor), reason="non_payment",
                            note="Three invoices unpaid; service suspended", source="seed")
        made += 1
    blacklist.add_entry(session=session, actor=actor, kind="phone", value=DEMO_FRAUD_NUMBER, reason="fraud",
                        note="Poses as the bank's security service", source="seed")
    return made + 1
