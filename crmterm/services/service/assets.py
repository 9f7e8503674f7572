"""The installed base: equipment at a customer (or one of its subscribers) — serial number, model (a catalogue
product's code or free text), address, installation day — with its warranty end read from the model's warranty
length (services/service/warranties). Found by serial however it is typed (capitals, no spaces)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.errors import Conflict, NotFound, ValidationError
from crmterm.i18n import _, pick
from crmterm.services.accounts import audit
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.service import warranties
from crmterm.store import Contract, Party, SalesProduct, ServiceAsset, Subscriber
from crmterm.store.tables import saved_id


class AssetRead(BaseModel):
    id: int
    serial: str
    model: str
    model_name: str | None  # the catalogue product's name when the model is one of its codes
    party_id: int
    customer: str
    subscriber_id: int | None
    address: str
    installed_on: date
    warranty_until: date | None  # exclusive; None: the model has no warranty length
    under_warranty: bool


def normal_serial(raw: str) -> str:
    serial = "".join(str(raw).split()).upper()
    if not serial or len(serial) > 64:
        raise ValidationError("serial", _("a serial number of 1 to 64 characters"))
    return serial


def _check_owner(session: Session, party_id: int, subscriber_id: int | None) -> None:
    if session.get(Party, party_id) is None:
        raise NotFound(_("Customer"), party_id)
    if subscriber_id is None:
        return
    payer = session.exec(select(Contract.payer_party_id).join(Subscriber, col(Subscriber.contract_id) == Contract.id)
                         .where(Subscriber.id == subscriber_id)).first()
    if payer is None:
        raise NotFound(_("subscriber"), subscriber_id)
    if payer != party_id:
        raise ValidationError("subscriber", _("subscriber #{id} is not the customer's").format(id=subscriber_id))


def add_asset(*, session: Session, actor: Actor, serial: str, model: str, party_id: int,
              installed_on: date, subscriber_id: int | None = None, address: str = "",
              source: str = "tui") -> AssetRead:
    require(actor, Permission.SERVICE_WRITE)
    stored = normal_serial(serial)
    model = model.strip()
    if not model or len(model) > 128:
        raise ValidationError("model", _("a model of 1 to 128 characters"))
    _check_owner(session, party_id, subscriber_id)
    if session.exec(select(ServiceAsset.id).where(ServiceAsset.serial == stored)).first() is not None:
        raise Conflict(_("serial number {serial} is already recorded").format(serial=stored))
    asset = ServiceAsset(serial=stored, model=model, party_id=party_id, subscriber_id=subscriber_id,
                         address=address.strip()[:300], installed_on=installed_on, updated_by=actor.login)
    session.add(asset)
    session.flush()
    audit.record(session, actor, "asset.add", "asset", stored,
                 after={"model": model, "party_id": party_id, "installed_on": installed_on.isoformat()}, source=source)
    return _reads(session, [asset])[0]


def find_asset(*, session: Session, actor: Actor, serial: str) -> AssetRead:
    require(actor, Permission.SERVICE_READ)
    stored = normal_serial(serial)
    asset = session.exec(select(ServiceAsset).where(ServiceAsset.serial == stored)).first()
    if asset is None:
        raise NotFound(_("asset"), stored)
    return _reads(session, [asset])[0]


def get_asset(*, session: Session, actor: Actor, asset_id: int) -> AssetRead:
    require(actor, Permission.SERVICE_READ)
    asset = session.get(ServiceAsset, asset_id)
    if asset is None:
        raise NotFound(_("asset"), asset_id)
    return _reads(session, [asset])[0]


def list_assets(*, session: Session, actor: Actor, party_id: int | None = None, limit: int = 500) -> list[AssetRead]:
    """The customer's equipment (every customer's without one), newest installation first."""
    require(actor, Permission.SERVICE_READ)
    query = select(ServiceAsset).order_by(col(ServiceAsset.installed_on).desc(), col(ServiceAsset.id).desc())
    if party_id is not None:
        query = query.where(ServiceAsset.party_id == party_id)
    return _reads(session, list(session.exec(query.limit(limit))))


def owners_by_serial(session: Session, text: str) -> list[int]:
    """The customer whose equipment has this serial number (customer search asks; no role: it checks its own)."""
    try:
        stored = normal_serial(text)
    except ValidationError:
        return []
    return list(session.exec(select(ServiceAsset.party_id).where(ServiceAsset.serial == stored)))


def _reads(session: Session, assets: list[ServiceAsset]) -> list[AssetRead]:
    if not assets:
        return []
    models = {a.model for a in assets}
    names = dict(session.exec(select(SalesProduct.code, SalesProduct.names)
                              .where(col(SalesProduct.code).in_(models))).all())
    owners = dict(session.exec(select(Party.id, Party.display_name)
                               .where(col(Party.id).in_({a.party_id for a in assets}))).all())
    lengths = warranties.lengths(session, models)
    today = date.today()
    reads = []
    for asset in assets:
        until = warranties.until(asset.installed_on, lengths.get(asset.model))
        name = names.get(asset.model)
        reads.append(AssetRead(id=saved_id(asset), serial=asset.serial, model=asset.model,
                               model_name=pick(dict(name)) if name else None, party_id=asset.party_id,
                               customer=owners.get(asset.party_id, ""), subscriber_id=asset.subscriber_id,
                               address=asset.address, installed_on=asset.installed_on, warranty_until=until,
                               under_warranty=until is not None and until > today))
    return reads

