"""What tells two customers of the same name apart in a search list: a phone number, a contract number and
the region (the customer's current `region` attribute, by its label). Three indexed queries for one page
of hits, whatever the number of customers."""

from __future__ import annotations

from sqlalchemy import and_, func, select
from sqlmodel import Session, col

from crmterm.i18n import pick
from crmterm.store import AttributeValue, Contract, Dictionary, DictionaryItem, Subscriber

REGION = "region"  # the party attribute the demo and most installations fill with the customer's city/region


def phones(session: Session, party_ids: list[int]) -> dict[int, str]:
    """The lowest-numbered subscriber's number of each customer (their own phone is the caller's fallback)."""
    first = (select(col(Contract.payer_party_id), func.min(col(Subscriber.id)).label("sid"))
             .join(Subscriber, col(Subscriber.contract_id) == col(Contract.id))
             .where(col(Contract.payer_party_id).in_(party_ids)).group_by(col(Contract.payer_party_id)).subquery())
    rows = session.execute(select(first.c.payer_party_id, col(Subscriber.number)).select_from(first)
                           .join(Subscriber, col(Subscriber.id) == first.c.sid)).all()
    return dict(rows)


def contracts(session: Session, party_ids: list[int]) -> dict[int, str]:
    rows = session.execute(select(col(Contract.payer_party_id), func.min(col(Contract.number)))
                           .where(col(Contract.payer_party_id).in_(party_ids)).group_by(col(Contract.payer_party_id))).all()
    return dict(rows)


def regions(session: Session, party_ids: list[int]) -> dict[int, str]:
    rows = session.execute(select(col(AttributeValue.entity_id), col(AttributeValue.value), col(DictionaryItem.labels))
                           .select_from(AttributeValue).outerjoin(Dictionary, col(Dictionary.code) == "regions")
                           .outerjoin(DictionaryItem, and_(col(DictionaryItem.dictionary_id) == col(Dictionary.id),
                                                           col(DictionaryItem.code) == col(AttributeValue.value)))
                           .where(col(AttributeValue.entity) == "party", col(AttributeValue.entity_id).in_(party_ids),
                                  col(AttributeValue.attribute) == REGION,
                                  col(AttributeValue.valid_to).is_(None))).all()
    return {party: pick(labels or {}, value) for party, value, labels in rows if value}


def subscriber_numbers(session: Session, subscriber_ids: list[int]) -> dict[int, str]:
    if not subscriber_ids:
        return {}
    return dict(session.execute(select(col(Subscriber.id), col(Subscriber.number))
                                .where(col(Subscriber.id).in_(subscriber_ids))).all())
