"""Service contracts: what was agreed with a customer — coverage (a customer, a structure node and everyone
below it, or one asset; topics with their subtrees and/or product models), business hours (a calendar; none:
around the clock), response and resolution targets, validity and a credit owed per breach. A covering
contract's targets replace the topic's SLA regulation (services/service/entitlement, workflow/coverage)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.errors import Conflict, NotFound, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts import audit
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.service.assets import normal_serial
from crmterm.store import Calendar, Party, ServiceAsset, ServiceContract, Structure, Topic
from crmterm.store.tables import saved_id

_DURATION = re.compile(r"^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*$", re.IGNORECASE)


class ContractRead(BaseModel):
    id: int
    code: str
    name: str
    party_id: int | None
    customer: str | None
    structure: str | None
    asset: str | None  # the covered asset's serial
    topics: list[str]
    products: list[str]
    calendar: str | None  # None: around the clock
    response_minutes: int | None
    resolution_minutes: int | None
    valid_from: date
    valid_to: date | None
    credit_per_breach: Decimal | None
    in_force: bool

    def scope_text(self) -> str:
        if self.asset:
            return _("asset {serial}").format(serial=self.asset)
        below = _(" and below in {structure}").format(structure=self.structure) if self.structure else ""
        return f"#{self.party_id} {self.customer or ''}{below}"


class ContractDraft(BaseModel):
    """A contract as written by hand, in a file or on the command line (codes and serials, not ids)."""

    code: str
    name: str = ""
    customer: int | None = None
    structure: str | None = None
    asset: str | None = None
    topics: list[str] = []
    products: list[str] = []
    calendar: str | None = None
    response: str | int | None = None  # minutes, or "2h", "90m", "1h30m"
    resolution: str | int | None = None
    valid_from: date
    valid_to: date | None = None
    credit_per_breach: Decimal | str | None = None


def minutes_of(value: str | int | None, field: str) -> int | None:
    """A target in minutes: a number of minutes or a text like 2h, 45m, 1h30m."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        minutes = value
    else:
        text = str(value).strip()
        match = _DURATION.match(text) if not text.isdecimal() else None
        if not text.isdecimal() and (match is None or not any(match.groups())):
            raise ValidationError(field, _("a duration like 2h, 45m or 1h30m: {value}").format(value=value))
        minutes = int(text) if text.isdecimal() else int(match[1] or 0) * 60 + int(match[2] or 0)  # type: ignore[index]
    if minutes <= 0:
        raise ValidationError(field, _("must be more than zero minutes"))
    return minutes


def _credit(value: Decimal | str | None) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        credit = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError("credit_per_breach", _("not an amount: {value}").format(value=value)) from None
    if not credit.is_finite() or credit < 0 or credit >= Decimal("1e10"):
        raise ValidationError("credit_per_breach", _("an amount from 0 to 9999999999.99"))
    return credit.quantize(Decimal("0.01"))


def _apply(session: Session, contract: ServiceContract, draft: ContractDraft) -> None:
    """The draft's fields checked and written onto the row."""
    if not draft.code.strip() or len(draft.code.strip()) > 64:
        raise ValidationError("code", _("a code of 1 to 64 characters"))
    contract.party_id, contract.structure_id, contract.asset_id = _scope(session, draft)
    known = session.exec(select(col(Topic.code)).where(col(Topic.code).in_(draft.topics))).all()
    missing = sorted(set(draft.topics) - set(known))
    if missing:
        raise NotFound(_("topic"), missing[0])
    contract.calendar_id = None
    if draft.calendar:
        contract.calendar_id = session.exec(select(Calendar.id).where(Calendar.code == draft.calendar)).first()
        if contract.calendar_id is None:
            raise NotFound(_("calendar"), draft.calendar)
    if draft.valid_to is not None and draft.valid_to <= draft.valid_from:
        raise ValidationError("valid_to", _("must be after valid_from"))
    contract.response_minutes = minutes_of(draft.response, "response")
    contract.resolution_minutes = minutes_of(draft.resolution, "resolution")
    contract.code, contract.name = draft.code.strip(), draft.name.strip()[:200]
    contract.topics, contract.products = list(dict.fromkeys(draft.topics)), list(dict.fromkeys(draft.products))
    contract.valid_from, contract.valid_to = draft.valid_from, draft.valid_to
    contract.credit_per_breach = _credit(draft.credit_per_breach)


def _scope(session: Session, draft: ContractDraft) -> tuple[int | None, int | None, int | None]:
    """(party, structure, asset): a customer, a structure node, or an asset — exactly one."""
    if draft.asset is not None:
        if draft.customer is not None or draft.structure:
            raise ValidationError("asset", _("cover either an asset or a customer, not both"))
        asset = session.exec(select(ServiceAsset.id).where(ServiceAsset.serial == normal_serial(draft.asset))).first()
        if asset is None:
            raise NotFound(_("asset"), draft.asset)
        return None, None, asset
    if draft.customer is None:
        raise ValidationError("customer", _("give the customer (or the structure node) or the asset covered"))
    if session.get(Party, draft.customer) is None:
        raise NotFound(_("Customer"), draft.customer)
    structure = None
    if draft.structure:
        structure = session.exec(select(Structure.id).where(Structure.code == draft.structure)).first()
        if structure is None:
            raise NotFound(_("structure"), draft.structure)
    return draft.customer, structure, None


def add_contract(*, session: Session, actor: Actor, draft: ContractDraft, source: str = "tui") -> ContractRead:
    require(actor, Permission.SERVICE_WRITE)
    return save_contract(session, actor, draft, replace=False, source=source)


def save_contract(session: Session, actor: Actor, draft: ContractDraft, *, replace: bool,
                  source: str) -> ContractRead:
    """Add the contract, or (replace) change the one with its code; the caller checked service.write."""
    contract = session.exec(select(ServiceContract).where(ServiceContract.code == draft.code.strip())).first()
    if contract is not None and not replace:
        raise Conflict(_("service contract {code} already exists").format(code=draft.code))
    before = reads(session, [contract])[0].model_dump(mode="json") if contract else None
    if contract is None:
        contract = ServiceContract(code=draft.code, valid_from=draft.valid_from)
    else:
        contract.version += 1
    _apply(session, contract, draft)
    contract.updated_by = actor.login
    session.add(contract)
    session.flush()
    shown = reads(session, [contract])[0]
    audit.record(session, actor, "service_contract.save", "service_contract", shown.code, before=before,
                 after=shown.model_dump(mode="json"), source=source)
    return shown


def get_contract(*, session: Session, actor: Actor, code: str) -> ContractRead:
    require(actor, Permission.SERVICE_READ)
    contract = session.exec(select(ServiceContract).where(ServiceContract.code == code)).first()
    if contract is None:
        raise NotFound(_("service contract"), code)
    return reads(session, [contract])[0]


def list_contracts(*, session: Session, actor: Actor, party_id: int | None = None,
                   include_ended: bool = True) -> list[ContractRead]:
    """Every contract (or those naming the customer, or one of its assets), by code."""
    require(actor, Permission.SERVICE_READ)
    query = select(ServiceContract).order_by(ServiceContract.code)
    if party_id is not None:
        assets = select(ServiceAsset.id).where(ServiceAsset.party_id == party_id)
        query = query.where((col(ServiceContract.party_id) == party_id) | col(ServiceContract.asset_id).in_(assets))
    found = reads(session, list(session.exec(query)))
    return found if include_ended else [c for c in found if c.in_force]


def in_force(contract: ServiceContract, on: date) -> bool:
    return contract.valid_from <= on and (contract.valid_to is None or contract.valid_to > on)


def reads(session: Session, contracts: list[ServiceContract]) -> list[ContractRead]:
    if not contracts:
        return []
    owners = {c.party_id for c in contracts if c.party_id}
    parties = dict(session.exec(select(Party.id, Party.display_name).where(col(Party.id).in_(owners))).all())
    structures = dict(session.exec(select(Structure.id, Structure.code)).all())
    calendars = dict(session.exec(select(Calendar.id, Calendar.code)).all())
    serials = dict(session.exec(select(ServiceAsset.id, ServiceAsset.serial).where(
        col(ServiceAsset.id).in_({c.asset_id for c in contracts if c.asset_id}))).all())
    today = date.today()
    return [ContractRead(id=saved_id(c), code=c.code, name=c.name, party_id=c.party_id,
                         customer=parties.get(c.party_id) if c.party_id else None,
                         structure=structures.get(c.structure_id) if c.structure_id else None,
                         asset=serials.get(c.asset_id) if c.asset_id else None, topics=list(c.topics),
                         products=list(c.products), calendar=calendars.get(c.calendar_id) if c.calendar_id else None,
                         response_minutes=c.response_minutes, resolution_minutes=c.resolution_minutes,
                         valid_from=c.valid_from, valid_to=c.valid_to, credit_per_breach=c.credit_per_breach,
                         in_force=in_force(c, today)) for c in contracts]
