"""Parties: create, edit (version-checked, tracked fields logged), leads, merge, names in several languages."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import update
from sqlmodel import Session, col, select

from crmterm.errors import Conflict, NotFound, ValidationError, refuse_control
from crmterm.i18n import N_, _, current_language, fmt_datetime
from crmterm.services.accounts import audit
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.customers import history
from crmterm.services.customers.phones import to_e164
from crmterm.services.directory.directory import code_exists_fn
from crmterm.store import (
    AttributeValue,
    ChangeLog,
    ClientCategory,
    ContactPerson,
    Contract,
    Discount,
    Note,
    Party,
    StructureLink,
    utcnow,
)
from crmterm.store.tables import id_column, saved_id
from crmterm.store.versioning import claim_version
from crmterm.text import fold, one_line, search_key

KINDS = ("person", "organisation")
STATUSES = ("active", "closed")
KIND_LABELS = {"person": N_("Person"), "organisation": N_("Organisation")}  # what people read (N_: translated there)
STATUS_LABELS = {"active": N_("Active"), "closed": N_("Closed"), "merged": N_("Merged")}  # parties, contracts


def kind_label(kind: str) -> str:
    return _(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


def status_label(status: str) -> str:
    """A known status by its name; one a billing import brought stays as it came."""
    return _(STATUS_LABELS[status]) if status in STATUS_LABELS else status


class PartyRead(BaseModel):
    id: int
    kind: str
    is_lead: bool
    display_name: str
    names: dict[str, str]
    category: str | None
    status: str
    email: str | None
    phone: str | None
    version: int
    updated_at: datetime
    updated_by: str | None
    merged_into: int | None = None
    erased_at: datetime | None = None  # personal data anonymised (services/customers/erasure)

    def name_in(self, language: str) -> str:
        return self.names.get(language) or self.display_name


def _category_codes(session: Session) -> dict[int, str]:
    return dict(session.exec(select(id_column(ClientCategory), ClientCategory.code)).all())


def _category_of(party: Party, categories: dict[int, str]) -> str | None:
    return categories.get(party.category_id) if party.category_id is not None else None


def category_code(session: Session, party_id: int) -> str | None:
    """The code of a party's client category (rules on inquiry forms read it)."""
    return session.exec(select(ClientCategory.code).join(Party, col(Party.category_id) == ClientCategory.id)
                        .where(Party.id == party_id)).first()


def read(session: Session, party: Party, categories: dict[int, str] | None = None) -> PartyRead:
    categories = categories if categories is not None else _category_codes(session)
    return PartyRead(id=party.id, kind=party.kind, is_lead=party.is_lead, display_name=party.display_name,
                     names=dict(party.names), category=_category_of(party, categories), status=party.status,
                     email=party.email, phone=party.phone, version=party.version, updated_at=party.updated_at,
                     updated_by=party.updated_by, merged_into=party.merged_into_id, erased_at=party.erased_at)


def get_party(session: Session, party_id: int) -> Party:
    party = session.get(Party, party_id)
    if party is None:
        raise NotFound(_("customer"), party_id)
    return party


def _document(party: Party, categories: dict[int, str]) -> dict:
    return {"kind": party.kind, "is_lead": party.is_lead, "display_name": party.display_name,
            "names": dict(party.names), "category": _category_of(party, categories), "status": party.status,
            "email": party.email, "phone": party.phone}


def clean(session: Session, values: dict, exists=None) -> dict:
    """Validated party fields (the document shape of `_document`). A batch passes one `exists` check
    (directory.code_exists_fn) for all its rows, so codes are loaded once."""
    names = _names(values.get("names"))
    display = _text(values, "display_name").strip() or names.get("en") or next(iter(names.values()), "")
    if not display:
        raise ValidationError("display_name", _("required"))
    if len(display) > 300:
        raise ValidationError("display_name", _("at most {n} characters").format(n=300))
    kind = _text(values, "kind") or "person"
    if kind not in KINDS:
        raise ValidationError("kind", _("expected one of: {choices}").format(choices=", ".join(KINDS)))
    status = _text(values, "status") or "active"
    if status not in STATUSES:
        raise ValidationError("status", _("expected one of: {choices}").format(choices=", ".join(STATUSES)))
    category = _text(values, "category") or None
    if category and not (exists or code_exists_fn(session))("client_categories", category):
        raise ValidationError("category", _("unknown reference '{code}'").format(code=category))
    email = _text(values, "email").strip() or None
    if email and ("@" not in email or " " in email or len(email) > 200):
        raise ValidationError("email", _("not an e-mail address: '{v}'").format(v=email[:200]))
    for field, text in (("display_name", display), ("email", email or ""),
                        *((f"names.{k}", n) for k, n in names.items())):
        refuse_control(field, text)
    phone = to_e164(_text(values, "phone")) if values.get("phone") else None
    is_lead = values.get("is_lead", False)
    if not isinstance(is_lead, bool):
        raise ValidationError("is_lead", _("expected yes or no"))
    return {"kind": kind, "is_lead": is_lead, "display_name": display,
            "names": names, "category": category, "status": status, "email": email, "phone": phone}


def _text(values: dict, field: str) -> str:
    """A text field as given (forms, JSONL, YAML): a list, a number or true is refused, never turned into
    "['a']" or "True"."""
    value = values.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(field, _("expected text"))
    return value


def _names(raw) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ValidationError("names", _("expected names by language, e.g. en: …, ru: …"))
    if not all(isinstance(name, str | None) for name in raw.values()):
        raise ValidationError("names", _("expected text"))
    return {str(language): name.strip() for language, name in raw.items() if name and name.strip()}


def category_ids(session: Session) -> dict[str, int]:
    return {code: id_ for id_, code in _category_codes(session).items()}


def party_columns(document: dict, categories: dict[str, int]) -> dict:
    """The stored columns of a cleaned party document (one place for the ORM path and the bulk import)."""
    columns = {field: document[field] for field in ("kind", "is_lead", "display_name", "names", "status",
                                                     "email", "phone")}
    columns["category_id"] = categories.get(document["category"])
    columns["name_key"] = fold(document["display_name"])
    columns["search_key"] = search_key(document["display_name"], *document["names"].values(), document["email"])
    return columns


def _assign(session: Session, party: Party, document: dict) -> None:
    for field, value in party_columns(document, category_ids(session)).items():
        setattr(party, field, value)


def create_party(*, session: Session, actor: Actor, values: dict, source: str = "tui") -> PartyRead:
    require(actor, Permission.CUSTOMERS_WRITE)
    document = clean(session, values)
    party = Party(display_name=document["display_name"], updated_by=actor.login)
    _assign(session, party, document)
    session.add(party)
    session.flush()
    history.record(session, entity="party", entity_id=saved_id(party), field="created", old=None,
                   new=document["display_name"], by=actor.login, source=source)
    return read(session, party)


def update_party(*, session: Session, actor: Actor, party_id: int, values: dict, expected_version: int | None,
                 source: str = "tui") -> PartyRead:
    require(actor, Permission.CUSTOMERS_WRITE)
    party, categories = get_party(session, party_id), _category_codes(session)
    before = _document(party, categories)
    unknown = sorted(set(values) - set(before), key=str)
    if unknown:  # silently dropped, `--set id=5` would look done while changing nothing
        raise ValidationError(None, _("'{field}' is not a field of a customer one can change (fields: {fields})")
                              .format(field=one_line(unknown[0]), fields=", ".join(before)))
    document = clean(session, {**before, **values})
    if document == before:
        return read(session, party, categories)
    expected = party.version if expected_version is None else expected_version
    if not claim_version(session, Party, saved_id(party), expected, actor.login):
        session.refresh(party)
        raise Conflict(_("Changed by {who} at {at}; reload and try again").format(
            who=party.updated_by or "?", at=fmt_datetime(party.updated_at)))
    session.refresh(party)
    _assign(session, party, document)
    session.add(party)
    history.record_changes(session, entity="party", entity_id=saved_id(party), before=before, after=document,
                           by=actor.login, source=source)
    return read(session, party, categories)


def convert_lead(*, session: Session, actor: Actor, party_id: int, source: str = "tui") -> PartyRead:
    require(actor, Permission.CUSTOMERS_WRITE)  # the role first: a refused caller learns nothing of the party
    party = get_party(session, party_id)
    if not party.is_lead:
        raise ValidationError("is_lead", _("customer {id} is not a lead").format(id=party_id))
    return update_party(session=session, actor=actor, party_id=party_id, values={"is_lead": False},
                        expected_version=None, source=source)


def merge(*, session: Session, actor: Actor, survivor_id: int, merged_id: int, source: str = "tui") -> PartyRead:
    """Everything of `merged` moves to `survivor` — contracts, contact persons, notes, structure places,
    attributes and history; `merged` stays as a pointer (status merged) so old references still resolve."""
    require(actor, Permission.CUSTOMERS_MERGE)
    if survivor_id == merged_id:
        raise ValidationError("merged", _("a customer cannot be merged into itself"))
    survivor, merged = get_party(session, survivor_id), get_party(session, merged_id)
    if merged.status == "merged":
        raise Conflict(_("customer {id} was already merged into {into}").format(id=merged_id,
                                                                                into=merged.merged_into_id))
    # marked merged first: the change log's trigger (migration 0019) lets history move only to the party
    # a party was merged into
    merged.status, merged.merged_into_id, merged.updated_by = "merged", survivor_id, actor.login
    merged.version += 1
    session.add(merged)
    session.flush()
    moves = [
        update(Contract).where(col(Contract.payer_party_id) == merged_id).values(payer_party_id=survivor_id),
        update(ContactPerson).where(col(ContactPerson.party_id) == merged_id).values(party_id=survivor_id),
        update(Discount).where(col(Discount.party_id) == merged_id).values(party_id=survivor_id),
        update(Note).where(col(Note.entity) == "party", col(Note.entity_id) == merged_id).values(entity_id=survivor_id),
        update(AttributeValue).where(col(AttributeValue.entity) == "party", col(AttributeValue.entity_id) == merged_id)
        .values(entity_id=survivor_id),
        update(ChangeLog).where(col(ChangeLog.entity) == "party", col(ChangeLog.entity_id) == merged_id)
        .values(entity_id=survivor_id),
        update(StructureLink).where(col(StructureLink.parent_id) == merged_id).values(parent_id=survivor_id),
    ]
    for statement in moves:
        session.execute(statement.execution_options(synchronize_session=False))
    _drop_duplicate_places(session, merged_id)
    history.record(session, entity="party", entity_id=survivor_id, field="merged", old=merged.display_name,
                   new=merged_id, by=actor.login, source=source)
    audit.record(session, actor, "merge", "customer", str(merged_id), source=source,
                 before={"id": merged_id}, after={"merged_into": survivor_id})
    session.flush()
    return read(session, survivor)


def _drop_duplicate_places(session: Session, merged_id: int) -> None:
    """The merged party's own places in structures end today (the survivor keeps its own places)."""
    session.execute(update(StructureLink).where(col(StructureLink.child_id) == merged_id,
                                                col(StructureLink.valid_to).is_(None))
                    .values(valid_to=utcnow().date()).execution_options(synchronize_session=False))


def display_name(party: PartyRead) -> str:
    return party.name_in(current_language())
