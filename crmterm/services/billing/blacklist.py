"""Blacklists: customers, phone numbers and identity documents flagged for fraud or non-payment, with who
flagged them, why and until when. Adding and lifting need blacklist.write and are audited; everyone who reads
customers sees the flags — in search results, on the card, at registration — and a quote for a flagged
customer needs a supervisor (sales.supervise: `require_clearance`). Entries are never deleted, only lifted."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy import ColumnElement, ScalarSelect, and_, or_
from sqlmodel import Session, col, select

from crmterm.errors import NotFound, PermissionDenied, ValidationError
from crmterm.i18n import N_, _
from crmterm.services.accounts import audit
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.store import BlacklistEntry, Contract, Party, Subscriber, utcnow

KINDS = {"customer": N_("customer"), "phone": N_("phone number"), "document": N_("document")}
REASONS = {"fraud": N_("fraud"), "non_payment": N_("non-payment")}
PHONE_REGION = "RU"  # numbers without a country code, as customers/phones reads them
MAX_PARTY_ID = 2**31 - 1  # the id columns' range on PostgreSQL


class BlacklistRead(BaseModel):
    id: int
    kind: str
    value: str
    party_id: int | None
    reason: str
    note: str
    added_by: str
    added_at: datetime
    until: date | None
    lifted_by: str | None
    lifted_at: datetime | None
    in_force: bool


class Flag(BaseModel):
    """One blacklist entry in force that concerns a customer or a caller: what a warning shows."""

    entry_id: int
    kind: str
    value: str
    reason: str
    until: date | None

    def text(self) -> str:
        until = _(" until {day}").format(day=self.until.isoformat()) if self.until else ""
        return _("blacklisted ({kind} {value}): {reason}{until}").format(
            kind=_(KINDS[self.kind]), value=self.value, reason=_(REASONS[self.reason]), until=until)


def _read(entry: BlacklistEntry, today: date) -> BlacklistRead:
    return BlacklistRead(**entry.model_dump(), in_force=_holds(entry, today))


def _holds(entry: BlacklistEntry, today: date) -> bool:
    return entry.lifted_at is None and (entry.until is None or entry.until > today)


def _in_force(today: date) -> ColumnElement[bool]:
    return col(BlacklistEntry.lifted_at).is_(None) & or_(col(BlacklistEntry.until).is_(None),
                                                          col(BlacklistEntry.until) > today)


def _e164(raw: str) -> str:
    import phonenumbers  # here: most commands never see a number (see customers/phones)

    try:
        number = phonenumbers.parse(str(raw), PHONE_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError("value", _("not a valid phone number: {v}").format(v=raw))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _value(session: Session, kind: str, raw: str) -> tuple[str, int | None]:
    """The stored form of what is flagged: the party's number, an E.164 number, a document number in capitals
    without spaces."""
    if kind == "customer":
        digits = str(raw).strip()
        # past the id columns' range it is no customer (not a database overflow)
        party = session.get(Party, int(digits)) if digits.isdecimal() and int(digits) <= MAX_PARTY_ID else None
        if party is None:
            raise NotFound(_("Customer"), raw)
        return str(party.id), party.id
    if kind == "phone":
        return _e164(raw), None
    document = "".join(str(raw).split()).upper()
    if not document or len(document) > 64:
        raise ValidationError("value", _("a document number of 1 to 64 characters"))
    return document, None


def add_entry(*, session: Session, actor: Actor, kind: str, value: str, reason: str, note: str = "",
              until: date | None = None, source: str = "tui") -> BlacklistRead:
    require(actor, Permission.BLACKLIST_WRITE)
    if kind not in KINDS:
        raise ValidationError("kind", _("one of: {choices}").format(choices=", ".join(KINDS)))
    if reason not in REASONS:
        raise ValidationError("reason", _("one of: {choices}").format(choices=", ".join(REASONS)))
    today = date.today()
    if until is not None and until <= today:
        raise ValidationError("until", _("must be after today"))
    stored, party_id = _value(session, kind, value)
    entry = BlacklistEntry(kind=kind, value=stored, party_id=party_id, reason=reason, note=note.strip()[:500],
                           added_by=actor.login, until=until)
    session.add(entry)
    session.flush()
    shown = _read(entry, today)
    audit.record(session, actor, "blacklist.add", "blacklist", str(shown.id),
                 after=shown.model_dump(mode="json", include={"kind", "value", "reason", "note", "until"}),
                 source=source)
    return shown


def lift_entry(*, session: Session, actor: Actor, entry_id: int, source: str = "tui") -> BlacklistRead:
    require(actor, Permission.BLACKLIST_WRITE)
    entry = session.get(BlacklistEntry, entry_id)
    if entry is None:
        raise NotFound(_("Blacklist entry"), entry_id)
    if entry.lifted_at is None:
        entry.lifted_at, entry.lifted_by = utcnow(), actor.login
        session.add(entry)
        session.flush()
        audit.record(session, actor, "blacklist.lift", "blacklist", str(entry_id),
                     before={"kind": entry.kind, "value": entry.value, "reason": entry.reason}, source=source)
    return _read(entry, date.today())


def list_entries(*, session: Session, actor: Actor, party_id: int | None = None,
                 include_lifted: bool = False) -> list[BlacklistRead]:
    """Newest first: the entries in force (with `include_lifted`, every one), or those of one customer."""
    require(actor, Permission.CUSTOMERS_READ)
    today = date.today()
    query = select(BlacklistEntry).order_by(col(BlacklistEntry.id).desc())
    if not include_lifted:
        query = query.where(_in_force(today))
    if party_id is not None:
        query = query.where(col(BlacklistEntry.id).in_([f.entry_id for f in flags_for_parties(session, [party_id])
                                                         .get(party_id, [])]))
    return [_read(entry, today) for entry in session.exec(query)]


def _flag(entry: BlacklistEntry) -> Flag:
    return Flag(entry_id=entry.id or 0, kind=entry.kind, value=entry.value, reason=entry.reason, until=entry.until)


def _numbers_of(session: Session, party_ids: list[int]) -> dict[str, set[int]]:
    """Every phone number of the customers: their own and their subscribers'."""
    found: dict[str, set[int]] = defaultdict(set)
    for party_id, phone in session.exec(select(Party.id, Party.phone).where(col(Party.id).in_(party_ids))):
        if phone and party_id is not None:
            found[phone].add(party_id)
    for payer, number in session.exec(select(Contract.payer_party_id, Subscriber.number)
                                      .join(Subscriber, col(Subscriber.contract_id) == Contract.id)
                                      .where(col(Contract.payer_party_id).in_(party_ids))):
        found[number].add(payer)
    return found


def flags_for_parties(session: Session, party_ids: list[int]) -> dict[int, list[Flag]]:
    """The flags in force of each customer: its own entry and its phone numbers' (two queries plus one per
    kind; for search results, the card and registration after their own checks)."""
    if not party_ids:
        return {}
    today, flags = date.today(), defaultdict[int, list[Flag]](list)
    for entry in session.exec(select(BlacklistEntry).where(_in_force(today), BlacklistEntry.kind == "customer",
                                                           col(BlacklistEntry.party_id).in_(party_ids))):
        flags[entry.party_id or 0].append(_flag(entry))
    numbers = _numbers_of(session, party_ids)
    if numbers:
        for entry in session.exec(select(BlacklistEntry).where(_in_force(today), BlacklistEntry.kind == "phone",
                                                               col(BlacklistEntry.value).in_(list(numbers)))):
            for party_id in numbers[entry.value]:
                flags[party_id].append(_flag(entry))
    return dict(flags)


def reason_column(today: date) -> ScalarSelect[str | None]:
    """A column for a query over Party: the reason of the customer's first blacklist entry in force (its own,
    its phone's or a subscriber's number's), else NULL — so a list of customers carries its warnings in the
    same statement (customers/search_details)."""
    numbers = (select(col(Subscriber.number)).join(Contract, col(Contract.id) == col(Subscriber.contract_id))
               .where(col(Contract.payer_party_id) == col(Party.id)).correlate(Party))
    concerns = or_(and_(col(BlacklistEntry.kind) == "customer", col(BlacklistEntry.party_id) == col(Party.id)),
                   and_(col(BlacklistEntry.kind) == "phone", or_(col(BlacklistEntry.value) == col(Party.phone),
                                                                 col(BlacklistEntry.value).in_(numbers))))
    return (select(col(BlacklistEntry.reason)).where(_in_force(today), concerns)
            .order_by(col(BlacklistEntry.id)).limit(1).correlate(Party).scalar_subquery())


def reason_label(reason: str) -> str:
    return _("blacklisted: {reason}").format(reason=_(REASONS.get(reason, reason)))


def flags_for_number(session: Session, number: str | None) -> list[Flag]:
    """The flags of a caller's number (E.164), whoever the customer turns out to be."""
    if not number:
        return []
    return [_flag(entry) for entry in session.exec(select(BlacklistEntry).where(
        _in_force(date.today()), BlacklistEntry.kind == "phone", BlacklistEntry.value == number))]


def check(*, session: Session, actor: Actor, party_id: int | None = None, phone: str | None = None,
          document: str | None = None) -> list[Flag]:
    """The flags in force for a customer, a phone number and/or a document (what registration asks)."""
    require(actor, Permission.CUSTOMERS_READ)
    flags = list(flags_for_parties(session, [party_id]).get(party_id, [])) if party_id is not None else []
    if phone:
        flags += [f for f in flags_for_number(session, _e164(phone)) if f not in flags]
    if document:
        stored = "".join(document.split()).upper()
        flags += [_flag(e) for e in session.exec(select(BlacklistEntry).where(
            _in_force(date.today()), BlacklistEntry.kind == "document", BlacklistEntry.value == stored))]
    return flags


def require_clearance(session: Session, actor: Actor, party_id: int) -> None:
    """A quote (or an order) for a blacklisted customer is a supervisor's decision."""
    flags = flags_for_parties(session, [party_id]).get(party_id)
    if flags and not actor.can(Permission.SALES_SUPERVISE):
        raise PermissionDenied(_("the customer is {flag}; a supervisor must make this").format(
            flag=flags[0].text()))
