"""What a search list shows of each hit, and what tells two customers of the same name apart: a phone number,
a contract number and the region (the customer's current `region` attribute, by its label). One query for a
page of hits, whatever the number of customers: the first phone and contract are correlated subqueries read
from the payer and contract indexes, the region an outer join on the attribute index."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select
from sqlmodel import Session, col

from crmterm.i18n import pick
from crmterm.services.billing import blacklist
from crmterm.store import AttributeValue, Contract, Dictionary, DictionaryItem, Party, Subscriber

REGION = "region"  # the party attribute the demo and most installations fill with the customer's city/region


@dataclass(frozen=True)
class Shown:
    id: int
    display_name: str
    kind: str
    is_lead: bool
    status: str
    names: dict[str, str]
    phone: str | None  # the lowest-numbered subscriber's number, else the customer's own phone
    contract: str | None  # the lowest contract number
    region: str | None
    blacklisted: str | None = None  # the reason of a blacklist entry in force (fraud, non_payment)

    def fields(self) -> dict:
        return {"id": self.id, "display_name": self.display_name, "kind": self.kind, "is_lead": self.is_lead,
                "status": self.status, "names": self.names}


def shown_query(party_ids: list[int]):
    """The one statement behind `shown` (the bench runs it raw as the baseline)."""
    first_phone = (select(col(Subscriber.number)).join(Contract, col(Contract.id) == col(Subscriber.contract_id))
                   .where(col(Contract.payer_party_id) == col(Party.id)).order_by(col(Subscriber.id)).limit(1)
                   .correlate(Party).scalar_subquery())
    first_contract = (select(func.min(col(Contract.number))).where(col(Contract.payer_party_id) == col(Party.id))
                      .correlate(Party).scalar_subquery())
    region = and_(col(AttributeValue.entity) == "party", col(AttributeValue.entity_id) == col(Party.id),
                  col(AttributeValue.attribute) == REGION, col(AttributeValue.valid_to).is_(None))
    return (select(col(Party.id), col(Party.display_name), col(Party.kind), col(Party.is_lead), col(Party.status),
                   col(Party.names), col(Party.phone), first_phone, first_contract, col(AttributeValue.value),
                   col(DictionaryItem.labels), blacklist.reason_column(date.today()))
            .select_from(Party).outerjoin(AttributeValue, region)
            .outerjoin(Dictionary, and_(col(AttributeValue.id).is_not(None), col(Dictionary.code) == "regions"))
            .outerjoin(DictionaryItem, and_(col(DictionaryItem.dictionary_id) == col(Dictionary.id),
                                            col(DictionaryItem.code) == col(AttributeValue.value)))
            .where(col(Party.id).in_(party_ids)))


def shown(session: Session, party_ids: list[int]) -> dict[int, Shown]:
    found: dict[int, Shown] = {}
    for (party, name, kind, is_lead, status, names, own_phone, phone, contract, region,
         labels, blacklisted) in session.execute(shown_query(party_ids)).all():
        earlier = found.get(party)  # one row per current region value: a party with two keeps a filled one
        label = pick(labels or {}, region) if region else (earlier.region if earlier else None)
        found[party] = Shown(party, name, kind, bool(is_lead), status, names or {}, phone or own_phone, contract, label,
                             blacklisted)
    return found
