"""What tells two customers of the same name apart in a search list: a phone number, a contract number and
the region (the customer's current `region` attribute, by its label). Three indexed queries for one page
of hits, whatever the number of customers."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from crmterm.i18n import pick
from crmterm.store import AttributeValue, Contract, Dictionary, DictionaryItem, Subscriber

REGION = "region"  # the party attribute the demo and most installations fill with the customer's city/region


def phones(session: Session, party_ids: list[int]) -> dict[int, str]:
    """The lowest-numbered subscriber's number of each customer (their own phone is the caller's fallback)."""
    first = (select(Contract.payer_party_id, func.min(Subscriber.id).label("sid"))
             .join(Subscriber, Subscriber.contract_id == Contract.id)
             .where(Contract.payer_party_id.in_(party_ids)).group_by(Contract.payer_party_id).subquery())
    rows = session.execute(select(first.c.payer_party_id, Subscriber.number).select_from(first)
                           .join(Subscriber, Subscriber.id == first.c.sid)).all()
    return dict(rows)


def contracts(session: Session, party_ids: list[int]) -> dict[int, str]:
    rows = session.execute(select(Contract.payer_party_id, func.min(Contract.number))
                           .where(Contract.payer_party_id.in_(party_ids)).group_by(Contract.payer_party_id)).all()
    return dict(rows)


def regions(session: Session, party_ids: list[int]) -> dict[int, str]:
    rows = session.execute(select(AttributeValue.entity_id, AttributeValue.value, DictionaryItem.labels)
                           .select_from(AttributeValue).outerjoin(Dictionary, Dictionary.code == "regions")
                           .outerjoin(DictionaryItem, (DictionaryItem.dictionary_id == Dictionary.id)
                                      & (DictionaryItem.code == AttributeValue.value))
                           .where(AttributeValue.entity == "party", AttributeValue.entity_id.in_(party_ids),
                                  AttributeValue.attribute == REGION, AttributeValue.valid_to.is_(None))).all()
    return {party: pick(labels or {}, value) for party, value, labels in rows if value}


def subscriber_numbers(session: Session, subscriber_ids: list[int]) -> dict[int, str]:
    if not subscriber_ids:
        return {}
    return dict(session.execute(select(Subscriber.id, Subscriber.number).where(Subscriber.id.in_(subscriber_ids))).all())
