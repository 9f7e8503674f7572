"""Right to erasure: anonymise one customer's personal data while every contact and inquiry stays countable.

What is erased (the customer, and the customers earlier merged into it):
- the party: display name becomes "erased #ID", names, e-mail and phone are cleared, the search keys are
  rebuilt from the placeholder (so the FTS5 / pg_trgm indexes forget the old text), `erased_at` is set;
- its contact persons (name "erased", role, phones, e-mails), the phone numbers of the subscribers on its
  contracts, every note, customer-attribute value and the old/new values in the change log of the party,
  its subscribers and contact persons (the change rows stay: who changed which field when);
- its contacts' caller and free text; agents' unsaved registration drafts that name it; its portal PIN,
  log-in codes and sessions; agents' notes of its campaign calls and its survey comments; its inquiries' text and
  resolution, live and archived (services/customers/erasure_inquiries: event texts and captured free text, values
  of attributes marked `personal`, attachments, notification texts).
What stays: every row and link (contacts, inquiries, states, topics, dates, operators, queues, SLA data) so
reports count the same; contracts (number, dates: kept for accounting); the audit log, which never held
the erased values. The erasure itself is audited with counts only."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import delete, or_, update
from sqlmodel import Session, col, select

from crmterm.errors import Conflict
from crmterm.i18n import _
from crmterm.services.accounts import audit
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.customers.customers import get_party
from crmterm.services.customers.erasure_inquiries import erase_inquiries, erase_work
from crmterm.store import (
    AttributeValue,
    CampaignAttempt,
    ChangeLog,
    Contact,
    ContactPerson,
    Contract,
    Note,
    Party,
    PortalCode,
    PortalPin,
    PortalSession,
    RegistrationDraft,
    Subscriber,
    SurveyAnswer,
    utcnow,
)
from crmterm.store.tables import id_column, rowcount
from crmterm.text import fold, search_key

ERASED_NAME = "erased #{id}"  # not translated: it is stored, and every language reads the same data
ERASED_PERSON = "erased"


class ErasureReport(BaseModel):
    party_id: int
    erased_at: datetime
    parties: list[int]
    counts: dict[str, int]


def erase_customer(*, session: Session, actor: Actor, party_id: int, source: str = "tui") -> ErasureReport:
    require(actor, Permission.CUSTOMERS_ERASE)
    party = get_party(session, party_id)
    if party.status == "merged":
        raise Conflict(_("customer {id} was merged into {into}; erase that customer").format(
            id=party_id, into=party.merged_into_id))
    if party.erased_at is not None:
        raise Conflict(_("customer {id} is already erased").format(id=party_id))
    now, parties = utcnow(), _with_merged(session, party_id)
    counts = {"parties": len(parties)}
    for each in parties:
        _anonymise(session, get_party(session, each), actor, now)
    session.flush()  # the history tables' triggers (migration 0019) let only an erased customer's rows change
    counts |= _erase_accounts(session, parties)
    counts |= erase_inquiries(session, parties)
    counts |= erase_work(session, parties)
    audit.record(session, actor, "erase", "customer", str(party_id), source=source,
                 after={"erased_at": now.isoformat(), "parties": parties, "counts": counts})
    session.flush()
    return ErasureReport(party_id=party_id, erased_at=now, parties=parties, counts=counts)


def _with_merged(session: Session, party_id: int) -> list[int]:
    """The party and, transitively, the parties merged into it (they keep their old names otherwise)."""
    found, frontier = [party_id], [party_id]
    while frontier:
        frontier = list(session.exec(select(id_column(Party)).where(col(Party.merged_into_id).in_(frontier))))
        found += [p for p in frontier if p not in found]
    return found


def _anonymise(session: Session, party: Party, actor: Actor, now: datetime) -> None:
    placeholder = ERASED_NAME.format(id=party.id)
    party.display_name, party.names, party.email, party.phone = placeholder, {}, None, None
    party.name_key, party.search_key = fold(placeholder), search_key(placeholder)
    party.erased_at, party.updated_at, party.updated_by = now, now, actor.login
    party.version += 1
    session.add(party)


def _erase_accounts(session: Session, parties: list[int]) -> dict[str, int]:
    persons = list(session.exec(select(id_column(ContactPerson)).where(col(ContactPerson.party_id).in_(parties))))
    subscribers = list(session.exec(select(id_column(Subscriber))
                                    .join(Contract, col(Subscriber.contract_id) == Contract.id)
                                    .where(col(Contract.payer_party_id).in_(parties))))
    _run(session, update(ContactPerson).where(col(ContactPerson.id).in_(persons))
         .values(name=ERASED_PERSON, role="", phones=[], emails=[], version=ContactPerson.version + 1))
    _run(session, update(Subscriber).where(col(Subscriber.id).in_(subscribers))
         .values(number="", number_rev="", version=Subscriber.version + 1))
    owners = {"party": parties, "contact_person": persons, "subscriber": subscribers}
    contracts = list(session.exec(select(id_column(Contract)).where(col(Contract.payer_party_id).in_(parties))))
    notes = _run(session, delete(Note).where(_owned(Note, {**owners, "contract": contracts})))
    values = _run(session, delete(AttributeValue).where(_owned(AttributeValue, owners)))
    _run(session, update(ChangeLog).where(_owned(ChangeLog, owners)).values(old=None, new=None))
    contacts = _run(session, update(Contact).where(col(Contact.party_id).in_(parties)).values(caller="", text=""))
    # an agent's unsaved registration naming the customer holds typed personal data too
    drafts = _run(session, delete(RegistrationDraft).where(col(RegistrationDraft.party_id).in_(parties)))
    # what agents wrote of the customer in campaign calls and what the customer wrote in surveys (the outcomes
    # and scores stay: campaign and satisfaction reports count the same)
    said = (_run(session, update(CampaignAttempt).where(col(CampaignAttempt.party_id).in_(parties)).values(note=""))
            + _run(session, update(SurveyAnswer).where(col(SurveyAnswer.party_id).in_(parties)).values(comment="")))
    # the customer portal: no more log-in (PIN, codes) and the open sessions end
    for portal_row in (PortalPin, PortalCode, PortalSession):
        _run(session, delete(portal_row).where(col(portal_row.party_id).in_(parties)))
    return {"contact_persons": len(persons), "subscribers": len(subscribers), "notes": notes,
            "attribute_values": values, "contacts": contacts, "registration_drafts": drafts,
            "campaign_notes_and_survey_comments": said}


def _owned(model, owners: dict[str, list[int]]):
    return or_(*((model.entity == entity) & model.entity_id.in_(ids) for entity, ids in owners.items()))


def _run(session: Session, statement) -> int:
    return rowcount(session.execute(statement.execution_options(synchronize_session=False)))
