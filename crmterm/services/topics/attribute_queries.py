"""Named, parameterised read-only queries that fill `query` attributes ("subscribers of this customer").

Admins pick a query by name; its parameters come from the form's context (the chosen customer), never from
SQL typed at run time. Each returns (code, label) pairs, bounded.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session, select

from crmterm.i18n import N_
from crmterm.store import ContactPerson, Contract, Subscriber

LIMIT = 200
Query = Callable[[Session, dict], list[tuple[str, str]]]


def _subscribers(session: Session, params: dict) -> list[tuple[str, str]]:
    rows = session.exec(select(Subscriber.number, Contract.number).join(Contract)
                        .where(Contract.payer_party_id == params.get("customer_id")).order_by(Subscriber.number)
                        .limit(LIMIT)).all()
    return [(number, f"{number} ({contract})") for number, contract in rows]


def _contracts(session: Session, params: dict) -> list[tuple[str, str]]:
    rows = session.exec(select(Contract.number, Contract.status).where(Contract.payer_party_id == params.get(
        "customer_id")).order_by(Contract.number).limit(LIMIT)).all()
    return [(number, f"{number} ({status})") for number, status in rows]


def _contact_persons(session: Session, params: dict) -> list[tuple[str, str]]:
    rows = session.exec(select(ContactPerson.id, ContactPerson.name, ContactPerson.role).where(
        ContactPerson.party_id == params.get("customer_id")).order_by(ContactPerson.name).limit(LIMIT)).all()
    return [(str(pk), f"{name} ({role})" if role else name) for pk, name, role in rows]


QUERIES: dict[str, tuple[str, Query]] = {
    "customer_subscribers": (N_("Subscribers of the customer"), _subscribers),
    "customer_contracts": (N_("Contracts of the customer"), _contracts),
    "customer_contact_persons": (N_("Contact persons of the customer"), _contact_persons),
}


def run(session: Session, name: str, params: dict) -> list[tuple[str, str]]:
    """Empty without a customer: these lists only make sense once the caller is identified."""
    if params.get("customer_id") is None:
        return []
    return QUERIES[name][1](session, params)
