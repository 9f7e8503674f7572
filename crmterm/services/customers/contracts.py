"""Contracts, subscribers (E.164 service numbers), discounts, contact persons and notes of a customer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from crmterm.errors import Conflict, NotFound, ValidationError, refuse_control
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.customers import history, notes
from crmterm.services.customers.customers import get_party
from crmterm.services.customers.phones import reversed_digits, to_e164
from crmterm.store import ContactPerson, Contract, Discount, Payment, Subscriber, utcnow
from crmterm.store.decimals import DecimalLimits, decimal_field, money
from crmterm.store.tables import saved_id, table_of


def add_contract(*, session: Session, actor: Actor, party_id: int, number: str, start: date | None = None,
                 source: str = "tui") -> int:
    require(actor, Permission.CUSTOMERS_WRITE)
    get_party(session, party_id)
    number = number.strip().upper()
    if not number:
        raise ValidationError("number", _("required"))
    refuse_control("number", number)
    if session.exec(select(Contract.id).where(Contract.number == number)).first() is not None:
        raise Conflict(_("contract {n} already exists").format(n=number))
    contract = Contract(number=number, payer_party_id=party_id, start_date=start or utcnow().date(),
                        updated_by=actor.login)
    session.add(contract)
    session.flush()
    history.record(session, entity="party", entity_id=party_id, field="contract", old=None, new=number,
                   by=actor.login, source=source)
    return saved_id(contract)


def contract_by_number(session: Session, number: str) -> Contract:
    found = session.exec(select(Contract).where(Contract.number == number.strip().upper())).first()
    if found is None:
        raise NotFound(_("contract"), number)
    return found


def add_subscriber(*, session: Session, actor: Actor, contract: str, number: str, service: str = "mobile",
                   source: str = "tui") -> int:
    require(actor, Permission.CUSTOMERS_WRITE)
    owner = contract_by_number(session, contract)
    e164 = to_e164(number, field="number")
    refuse_control("service", service)
    subscriber = Subscriber(contract_id=saved_id(owner), number=e164, number_rev=reversed_digits(e164), service=service,
                            updated_by=actor.login)
    session.add(subscriber)
    session.flush()
    history.record(session, entity="party", entity_id=owner.payer_party_id, field="subscriber", old=None,
                   new=e164, by=actor.login, source=source)
    return saved_id(subscriber)


def _percent(raw) -> Decimal:
    limits = DecimalLimits.of_column(table_of(Discount).c.percent, minimum=Decimal(0), above_minimum=True,
                                     maximum=Decimal(100))
    return decimal_field("percent", raw, limits)


def add_discount(*, session: Session, actor: Actor, percent, party_id: int | None = None,
                 contract: str | None = None, valid_from: date | None = None, valid_to: date | None = None,
                 description: str = "") -> int:
    """A discount on a party (inherited by everything below it in its structures) or on one contract."""
    require(actor, Permission.CUSTOMERS_BILLING)
    if (party_id is None) == (contract is None):
        raise ValidationError("party", _("give either a customer or a contract"))
    contract_id = contract_by_number(session, contract).id if contract else None
    if party_id is not None:
        get_party(session, party_id)
    start = valid_from or utcnow().date()
    if valid_to is not None and valid_to <= start:
        raise ValidationError("valid_to", _("must be after the start date"))
    discount = Discount(party_id=party_id, contract_id=contract_id, percent=_percent(percent),
                        description=description, valid_from=start, valid_to=valid_to, updated_by=actor.login)
    session.add(discount)
    session.flush()
    return saved_id(discount)


def add_contact_person(*, session: Session, actor: Actor, party_id: int, name: str, role: str = "",
                       phones: Sequence[str] = (), emails: Sequence[str] = ()) -> int:
    require(actor, Permission.CUSTOMERS_WRITE)
    get_party(session, party_id)
    if not name.strip():
        raise ValidationError("name", _("required"))
    refuse_control("name", name)
    refuse_control("role", role)
    for email in emails:
        if "@" not in email:
            raise ValidationError("emails", _("not an e-mail address: '{v}'").format(v=email))
    person = ContactPerson(party_id=party_id, name=name.strip(), role=role.strip(),
                           phones=[to_e164(p, field="phones") for p in phones], emails=list(emails),
                           updated_by=actor.login)
    session.add(person)
    session.flush()
    return saved_id(person)


def add_note(*, session: Session, actor: Actor, entity: str, entity_id: int, text: str) -> int:
    """An internal note (services/customers/notes has every kind, public ones and search)."""
    return notes.add_note(session=session, actor=actor, kind=entity, target_id=entity_id, text=text).id


def add_payment(*, session: Session, actor: Actor, contract: str, amount, subscriber: str | None = None,
                paid_on: date | None = None, reference: str = "", source: str = "tui") -> int:
    """A payment on a contract or on one of its subscribers: payments never sit above a contract."""
    require(actor, Permission.CUSTOMERS_BILLING)
    refuse_control("reference", reference)
    owner = contract_by_number(session, contract)
    value = money("amount", amount, table_of(Payment).c.amount)
    subscriber_id = None
    if subscriber:
        number = to_e164(subscriber, field="subscriber")
        subscriber_id = session.exec(select(Subscriber.id).where(Subscriber.contract_id == owner.id,
                                                                 Subscriber.number == number)).first()
        if subscriber_id is None:
            raise ValidationError("subscriber", _("{n} is not a subscriber of contract {c}").format(
                n=number, c=owner.number))
    payment = Payment(contract_id=saved_id(owner), subscriber_id=subscriber_id, amount=value, reference=reference,
                      paid_on=paid_on or utcnow().date(), created_by=actor.login)
    session.add(payment)
    session.flush()
    history.record(session, entity="party", entity_id=owner.payer_party_id, field="payment", old=None,
                   new=f"{owner.number} {value}", by=actor.login, source=source)
    return saved_id(payment)
