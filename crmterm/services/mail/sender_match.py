"""Who wrote: the customer a mail is from, by the sender's address (the customer's own e-mail, then a contact
person's), else by a subscriber or contract number found in the subject or body. Only an unambiguous
answer counts: an address two customers share names nobody, and the next clue is tried."""

from __future__ import annotations

import re

from sqlalchemy import Text, func
from sqlmodel import Session, col, select

from crmterm.errors import ValidationError
from crmterm.services.customers.phones import to_e164
from crmterm.store import ClientCategory, ContactPerson, Contract, Party, Subscriber

CONTRACT = re.compile(r"\b[A-Za-z]{2,10}-\d{2,12}\b")
PHONE = re.compile(r"(?<![\w+])\+?\d[\d ().-]{8,18}\d\b")
MAX_CLUES = 20  # numbers tried per mail: a long signature full of digits must not cost hundreds of queries


def customer_of(session: Session, sender: str, text: str) -> int | None:
    """The party id the mail is from, or None."""
    found = _by_address(session, sender) if sender else None
    if found is not None:
        return found
    for clue in _clues(text):
        found = _by_contract(session, clue) if CONTRACT.fullmatch(clue) else _by_phone(session, clue)
        if found is not None:
            return found
    return None


def customer_context(session: Session, party_id: int | None) -> dict:
    """`customer` as an intake rule sees it."""
    if party_id is None:
        return {"known": False, "id": 0, "category": ""}
    party = session.get(Party, party_id)
    category = session.get(ClientCategory, party.category_id) if party and party.category_id else None
    return {"known": True, "id": party_id, "category": category.code if category else ""}


def _one(ids: list[int]) -> int | None:
    distinct = set(ids)
    return distinct.pop() if len(distinct) == 1 else None


def _by_address(session: Session, address: str) -> int | None:
    own = _one([i for i in session.exec(select(Party.id).where(func.lower(Party.email) == address,
                                                              col(Party.erased_at).is_(None))) if i is not None])
    if own is not None:
        return own
    # Contact persons keep a list of addresses (JSON): the text search narrows, the exact check decides.
    rows = session.exec(select(ContactPerson.party_id, ContactPerson.emails)
                        .where(func.lower(func.cast(col(ContactPerson.emails), Text)).contains(address))).all()
    return _one([party for party, emails in rows if address in {str(e).lower() for e in emails or []}])


def _clues(text: str) -> list[str]:
    clues = [m.group(0).upper() for m in CONTRACT.finditer(text)]
    clues += [m.group(0) for m in PHONE.finditer(text)]
    return list(dict.fromkeys(clues))[:MAX_CLUES]


def _by_contract(session: Session, number: str) -> int | None:
    return session.exec(select(Contract.payer_party_id).where(Contract.number == number)).first()


def _by_phone(session: Session, raw: str) -> int | None:
    try:
        number = to_e164(raw)
    except ValidationError:
        return None
    return _one(list(session.exec(select(Contract.payer_party_id)
                                  .join(Subscriber, col(Subscriber.contract_id) == Contract.id)
                                  .where(Subscriber.number == number, Subscriber.status == "active"))))
