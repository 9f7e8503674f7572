"""Who is logging in: the party behind a phone number or a contract number typed in the portal, the parties
that customer may see, and where their one-time code goes.

A number may belong to a customer (their own phone), a subscriber (the contract's payer) or a company's
contact person (the company). A contact person sees the company's inquiries; a company's subscribers do not
(a mobile number on a corporate contract is an employee's, not the company's representative): a company's
code goes to its e-mail or its contact persons' numbers. A number on several customers does not log in."""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy import String, cast
from sqlmodel import Session, col, select

from crmterm.errors import ValidationError
from crmterm.services.customers.phones import digits, to_e164
from crmterm.store import ContactPerson, Contract, Party, Subscriber

GATEWAY_ENV = "CRMTERM_SMS_GATEWAY"  # the e-mail-to-SMS gateway of plugins/balance_sms


@dataclass(frozen=True)
class PortalCustomer:
    """The caller of every portal service: found only from a live session (services/portal/access)."""

    party_id: int
    name: str
    visible: frozenset[int]  # party ids whose inquiries this customer may see
    language: str
    csrf: str

    def may_see(self, party_id: int | None) -> bool:
        return party_id is not None and party_id in self.visible


@dataclass(frozen=True)
class Found:
    party_id: int
    visible: frozenset[int]
    send_to: str | None  # a notification recipient for the one-time code


def login_key(typed: str) -> str | None:
    """The normalised number ("tel:+7…") or contract ("contract:NORD-001"); None when it is neither."""
    text = typed.strip()
    if not text or len(text) > 64 or not text.isprintable():
        return None
    if len(digits(text)) >= 7 and set(text) <= set("+0123456789 ()-."):
        try:
            return "tel:" + to_e164(text)
        except ValidationError:
            return None
    return "contract:" + text.upper()


def find(session: Session, key: str) -> Found | None:
    kind, _, value = key.partition(":")
    return _by_phone(session, value) if kind == "tel" else _by_contract(session, value)


# Merged, closed and erased customers do not log in (an erased one keeps its contract numbers for accounting).
_ACTIVE = (col(Party.status) == "active", col(Party.erased_at).is_(None))


def _sms(number: str) -> str:
    return f"email:{number.lstrip('+')}@{os.environ.get(GATEWAY_ENV, 'sms.gateway.invalid')}"


def _one(ids: list[int | None]) -> int | None:
    """The single party a number names; None when it names none or several (which one would be a guess, and
    logging in as the wrong customer shows their inquiries: such a number does not log in)."""
    distinct = {i for i in ids if i is not None}
    return distinct.pop() if len(distinct) == 1 else None


def _found(party_id: int | None, number: str) -> Found | None:
    return Found(party_id, frozenset({party_id}), _sms(number)) if party_id is not None else None


def _by_phone(session: Session, number: str) -> Found | None:
    """The first kind of owner that knows the number decides (own phone, subscriber, contact person)."""
    owners = [
        select(Party.id).where(Party.phone == number, *_ACTIVE),
        # only a person pays for their own SIM: an organisation's subscriber is an employee, not the company
        select(Contract.payer_party_id).join(Subscriber, col(Subscriber.contract_id) == Contract.id)
        .join(Party, col(Party.id) == Contract.payer_party_id)
        .where(Subscriber.number == number, Subscriber.status == "active", Party.kind == "person", *_ACTIVE),
        select(ContactPerson.party_id).join(Party, col(Party.id) == ContactPerson.party_id)
        .where(cast(ContactPerson.phones, String).like(f'%"{number}"%'), *_ACTIVE),
    ]
    for query in owners:
        ids = list(session.exec(query.limit(5)).all())
        if ids:
            return _found(_one(ids), number)
    return None


def _by_contract(session: Session, number: str) -> Found | None:
    row = session.exec(select(Party.id, Party.email, Party.kind)
                       .join(Contract, col(Contract.payer_party_id) == Party.id)
                       .where(Contract.number == number, *_ACTIVE)).first()
    if row is None:
        return None
    party_id, email, kind = int(row[0] or 0), row[1], row[2]
    if email:
        return Found(party_id, frozenset({party_id}), f"email:{email}")
    if kind != "person":  # a company's code goes to its contact persons, never to an employee's SIM
        return Found(party_id, frozenset({party_id}), _contact_number(session, party_id))
    phone = session.exec(select(Subscriber.number).join(Contract, col(Contract.id) == Subscriber.contract_id)
                         .where(Contract.number == number, Subscriber.status == "active")
                         .order_by(col(Subscriber.id))).first()
    return Found(party_id, frozenset({party_id}), _sms(phone) if phone else None)


def _contact_number(session: Session, party_id: int) -> str | None:
    for phones in session.exec(select(ContactPerson.phones).where(ContactPerson.party_id == party_id)
                               .order_by(col(ContactPerson.id))).all():
        for phone in phones or []:
            try:
                return _sms(to_e164(str(phone)))
            except ValidationError:
                continue
    return None


def is_active(session: Session, party_id: int) -> bool:
    return session.exec(select(Party.id).where(Party.id == party_id, *_ACTIVE)).first() is not None


def display_name(session: Session, party_id: int) -> str:
    return session.exec(select(Party.display_name).where(Party.id == party_id)).first() or ""
