"""The customer card as of a date: party, places in structures, contracts with subscribers, contact persons,
discounts (own and inherited), date-effective attributes and notes — a fixed number of queries per card."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.errors import NotFound, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.billing import blacklist
from crmterm.services.customers import history, lead_batches, notes, structures
from crmterm.services.customers.as_of import PartyAsOf, party_as_of
from crmterm.services.customers.customers import PartyRead, get_party, read
from crmterm.services.customers.lead_batches import LeadExportRead
from crmterm.services.customers.notes import NoteRead
from crmterm.services.customers.party_inquiries import InquirySummary, latest_inquiries
from crmterm.services.topics.attribute_values import AMOUNT, BadValue, parse, to_text
from crmterm.store import (
    AttributeValue,
    ContactPerson,
    Contract,
    CustomerAttribute,
    Dictionary,
    DictionaryItem,
    Discount,
    Payment,
    Subscriber,
)
from crmterm.store.tables import saved_id


class SubscriberRead(BaseModel):
    id: int
    number: str
    service: str
    status: str


class PaymentRead(BaseModel):
    id: int
    amount: Decimal
    currency: str
    paid_on: date
    subscriber: str | None
    reference: str
    distribution_id: int | None = None  # a share of a payer's payment (customers/payment_split)
    invoice: str = ""  # the invoice that share settles


class ContractRead(BaseModel):
    id: int
    number: str
    start_date: date
    end_date: date | None
    status: str
    subscribers: list[SubscriberRead]
    payments: list[PaymentRead] = []  # the latest few


class ContactPersonRead(BaseModel):
    id: int
    name: str
    role: str
    phones: list[str]
    emails: list[str]


class DiscountRead(BaseModel):
    id: int
    percent: Decimal
    description: str
    valid_from: date
    valid_to: date | None
    applies_via: str  # "own", "contract N-1", or "structure billing: Parent name (#id)"


class CardRead(BaseModel):
    party: PartyRead
    as_of: date
    structures: list[structures.PathRead]
    contracts: list[ContractRead]
    contact_persons: list[ContactPersonRead]
    discounts: list[DiscountRead]
    attributes: dict[str, str | None]
    notes: list[NoteRead]
    inquiries: list[InquirySummary] = []  # the latest, newest first
    then: PartyAsOf | None = None  # the tracked fields as of a past day (`party` holds today's, to edit)
    blacklist: list[str] = []  # warnings: the customer or one of its numbers is blacklisted (services/billing)
    lead_export: LeadExportRead | None = None  # a lead's last export to billing and billing's answer


def _active(model, on: date):
    return (model.valid_from <= on) & ((model.valid_to.is_(None)) | (model.valid_to > on))


def get_card(*, session: Session, actor: Actor, party_id: int, as_of: date | None = None) -> CardRead:
    require(actor, Permission.CUSTOMERS_READ)
    on = as_of or structures.today()
    party = get_party(session, party_id)
    contracts = _contracts(session, party_id)
    persons = [ContactPersonRead.model_validate(p, from_attributes=True) for p in session.exec(
        select(ContactPerson).where(ContactPerson.party_id == party_id).order_by(ContactPerson.name))]
    owned = {"contract": [c.id for c in contracts], "contact_person": [p.id for p in persons],
             "subscriber": [s.id for c in contracts for s in c.subscribers]}
    current = read(session, party)
    then = party_as_of(session, current, party.created_at, on) if on < structures.today() else None
    return CardRead(
        party=current, then=then, as_of=on, structures=structures.paths(session, party_id, on),
        contracts=contracts, contact_persons=persons,
        discounts=_discounts(session, party_id, {c.id: c.number for c in contracts}, on),
        attributes=attributes_as_of(session, party_id, on),
        notes=notes.notes_of_party(session, party_id, owned), inquiries=latest_inquiries(session, party_id),
        blacklist=[flag.text() for flag in blacklist.flags_for_parties(session, [party_id]).get(party_id, [])],
        lead_export=lead_batches.state_of(session, party_id) if party.is_lead else None)


def _contracts(session: Session, party_id: int) -> list[ContractRead]:
    contracts = session.exec(select(Contract).where(Contract.payer_party_id == party_id)
                             .order_by(Contract.number)).all()
    ids = [saved_id(c) for c in contracts]
    subscribers: dict[int, list[SubscriberRead]] = {}
    if contracts:
        for sub in session.exec(select(Subscriber).where(col(Subscriber.contract_id).in_(ids))
                                .order_by(Subscriber.number)):
            subscribers.setdefault(sub.contract_id, []).append(SubscriberRead.model_validate(sub,
                                                                                             from_attributes=True))
    payments = _payments(session, ids, subscribers)
    return [ContractRead(id=cid, number=c.number, start_date=c.start_date, end_date=c.end_date, status=c.status,
                         subscribers=subscribers.get(cid, []), payments=payments.get(cid, []))
            for cid, c in zip(ids, contracts, strict=True)]


def _payments(session: Session, contract_ids: list[int], subscribers: dict[int, list[SubscriberRead]],
              per_contract: int = 10) -> dict[int, list[PaymentRead]]:
    numbers = {s.id: s.number for subs in subscribers.values() for s in subs}
    found: dict[int, list[PaymentRead]] = {}
    if not contract_ids:
        return found
    for p in session.exec(select(Payment).where(col(Payment.contract_id).in_(contract_ids))
                          .order_by(col(Payment.paid_on).desc(), col(Payment.id).desc()).limit(per_contract * 20)):
        rows = found.setdefault(p.contract_id, [])
        if len(rows) < per_contract:
            rows.append(PaymentRead(id=p.id, amount=p.amount, currency=p.currency, paid_on=p.paid_on,
                                    subscriber=_number(numbers, p.subscriber_id), reference=p.reference,
                                    distribution_id=p.distribution_id, invoice=p.invoice))
    return found


def _number(numbers: dict[int, str], subscriber_id: int | None) -> str | None:
    return numbers.get(subscriber_id) if subscriber_id is not None else None


def _discounts(session: Session, party_id: int, numbers: dict[int, str], on: date) -> list[DiscountRead]:
    """`numbers`: the customer's contracts, id -> number."""
    ancestors = structures.ancestor_ids(session, party_id, on)
    names = structures.party_names(session, list(ancestors))
    owners = [party_id, *ancestors]
    query = select(Discount).where(_active(Discount, on), col(Discount.party_id).in_(owners)
                                   | col(Discount.contract_id).in_(list(numbers) or [-1]))
    return [DiscountRead(id=d.id, percent=d.percent, description=d.description, valid_from=d.valid_from,
                         valid_to=d.valid_to, applies_via=_applies_via(d, party_id, numbers, ancestors, names))
            for d in session.exec(query.order_by(col(Discount.valid_from), col(Discount.id)))]


def discounts_in_force(session: Session, party_id: int, on: date) -> list[DiscountRead]:
    """The discounts the card lists on `on` — own, inherited through structures, on the customer's contracts —
    for a quote to apply exactly what the card shows (services/sales). The caller has checked the role."""
    numbers = session.exec(select(Contract.id, Contract.number).where(Contract.payer_party_id == party_id)).all()
    return _discounts(session, party_id, {i: n for i, n in numbers if i is not None}, on)


def _applies_via(discount: Discount, party_id: int, numbers: dict[int, str], ancestors: dict[int, str],
                 names: dict[int, str]) -> str:
    if discount.contract_id is not None:
        return _("contract {n}").format(n=numbers[discount.contract_id])
    # Without a contract the discount is on a party: the query found it by its party among the owners.
    owner = discount.party_id
    if owner is None or owner == party_id:
        return _("own")
    return _("structure {s}: {name} (#{id})").format(s=ancestors[owner], name=names.get(owner), id=owner)


def attributes_as_of(session: Session, party_id: int, on: date) -> dict[str, str | None]:
    rows = session.exec(select(AttributeValue.attribute, AttributeValue.value).where(
        AttributeValue.entity == "party", AttributeValue.entity_id == party_id, _active(AttributeValue, on)))
    return dict(sorted(rows.all()))


def _check_value(session: Session, attribute: CustomerAttribute, raw: str | None) -> str | None:
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):  # a value from JSON or YAML is not turned into text silently
        raise ValidationError(attribute.code, _("expected text"))
    checks = {"date": lambda v: date.fromisoformat(v).isoformat(), "decimal": _decimal_text,
              "bool": lambda v: {"true": "true", "yes": "true", "1": "true", "false": "false", "no": "false",
                                 "0": "false"}[v.lower()], "string": lambda v: v}
    try:
        if attribute.type == "dictionary":
            return _dictionary_item(session, attribute, raw)
        return checks[attribute.type](str(raw).strip())
    except BadValue as error:  # its reason (too many digits, negative…) says more than "not a valid decimal"
        raise ValidationError(attribute.code, str(error)) from None
    except (ValueError, KeyError, InvalidOperation):
        raise ValidationError(attribute.code, _("not a valid {type}: {v}").format(type=attribute.type,
                                                                                  v=raw)) from None


def _decimal_text(text: str) -> str | None:  # None: only blanks
    return to_text(parse("decimal", text, decimals=AMOUNT))


def _dictionary_item(session: Session, attribute: CustomerAttribute, raw: str) -> str:
    found = session.exec(select(DictionaryItem.code).join(Dictionary).where(
        Dictionary.id == attribute.dictionary_id, DictionaryItem.code == raw)).first()
    if found is None:
        raise ValidationError(attribute.code, _("unknown reference '{code}'").format(code=raw))
    return found


def set_attribute(*, session: Session, actor: Actor, party_id: int, code: str, value: str | None,
                  on: date | None = None, source: str = "tui") -> None:
    """From `on` the attribute has `value`; what it was before stays readable with an earlier as-of date."""
    require(actor, Permission.CUSTOMERS_WRITE)
    get_party(session, party_id)
    attribute = session.exec(select(CustomerAttribute).where(CustomerAttribute.code == code)).first()
    if attribute is None or not attribute.active:
        raise NotFound(_("customer attribute"), code)
    on, value = on or structures.today(), _check_value(session, attribute, value)
    current = session.exec(select(AttributeValue).where(
        AttributeValue.entity == "party", AttributeValue.entity_id == party_id, AttributeValue.attribute == code,
        _active(AttributeValue, on))).first()
    old = current.value if current else None
    if old == value:
        return
    if current is not None:
        current.valid_to = on
        session.add(current)
    session.add(AttributeValue(entity="party", entity_id=party_id, attribute=code, value=value, valid_from=on))
    if attribute.tracked:
        history.record(session, entity="party", entity_id=party_id, field=f"attribute:{code}", old=old, new=value,
                       by=actor.login, source=source)


def party_history(*, session: Session, actor: Actor, party_id: int) -> list[history.ChangeRead]:
    require(actor, Permission.CUSTOMERS_READ)
    get_party(session, party_id)
    return history.history(session, "party", party_id)


