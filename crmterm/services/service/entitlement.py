"""Entitlement: is this customer covered for this topic (and piece of equipment)? By a service contract in
force, by a warranty, by something that has ended (expired), or not at all (none).

A contract covers a customer when it names the customer, a structure node above it (or the customer itself as
that node), or one of the customer's assets — and, when it lists topics, the topic is one of them or below
one; when it lists products, the asset concerned (the one given, else any of the customer's) is of one of them.
Of several covering contracts the most specific wins (asset, then customer, then structure node), then the
tightest resolution target. Its targets replace the topic's SLA regulation (`contract_targets`, handed to the
SLA clocks through routing/coverage_port)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.errors import NotFound
from crmterm.i18n import N_, _, fmt_date
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.customers import structures
from crmterm.services.service import warranties
from crmterm.services.service.assets import normal_serial
from crmterm.services.service.service_contracts import in_force
from crmterm.services.topics.attribute_forms import topic_path
from crmterm.store import Calendar, ServiceAsset, ServiceContract, Structure
from crmterm.workflow.coverage import Targets

KINDS = {"contract": N_("covered by contract"), "warranty": N_("under warranty"), "expired": N_("expired"),
         "none": N_("not covered")}
_NEVER = 10**9


class Entitlement(BaseModel):
    kind: str  # contract | warranty | expired | none
    contract: str | None = None  # the covering (or, expired, the last) contract's code
    contract_name: str | None = None
    asset: str | None = None  # the serial the warranty is of
    until: date | None = None  # the contract's or warranty's first day out (expired: the day it ended)
    response_minutes: int | None = None
    resolution_minutes: int | None = None

    def text(self) -> str:
        """One line for the Register tab and the CLI."""
        until = fmt_date(self.until) if self.until else ""
        if self.kind == "contract":  # short: it fits the Register tab's left half at 80 columns
            return _("✓ {code}").format(code=self.contract) + _targets(self)
        if self.kind == "warranty":
            return _("Under warranty until {day} ({serial})").format(day=until, serial=self.asset)
        if self.kind == "expired":
            what = self.contract or self.asset or ""
            return _("Coverage expired on {day} ({what}): chargeable").format(day=until, what=what)
        return _("Not covered: chargeable")


def _targets(found: Entitlement) -> str:
    parts = [f"{label} {duration_text(minutes)}" for label, minutes in ((_("response"), found.response_minutes),
                                                                  (_("resolution"), found.resolution_minutes))
             if minutes]
    return f": {', '.join(parts)}" if parts else ""


def duration_text(minutes: int) -> str:
    """A target as people say it: 2 h, 90 min."""
    return _("{h} h").format(h=minutes // 60) if minutes % 60 == 0 else _("{m} min").format(m=minutes)


def entitlement(*, session: Session, actor: Actor, party_id: int, topic: str | None = None,
                asset: str | None = None) -> Entitlement:
    """What covers the customer for the topic (any topic without one) and, given, the asset (its serial)."""
    require(actor, Permission.SERVICE_READ)
    path = [row.code for row in topic_path(session, topic)] if topic else []
    asset_id = None
    if asset:
        asset_id = session.exec(select(ServiceAsset.id).where(ServiceAsset.serial == normal_serial(asset))).first()
        if asset_id is None:
            raise NotFound(_("asset"), asset)
    return assess(session, party_id, path, asset_id)


def assess(session: Session, party_id: int, path: list[str], asset_id: int | None = None,
           on: date | None = None) -> Entitlement:
    on = on or date.today()
    assets = _assets(session, party_id, asset_id)
    contracts = _covering(session, party_id, path, assets, on)
    current = [c for c in contracts if in_force(c, on)]
    if current:
        best = min(current, key=lambda c: (_specificity(c), c.resolution_minutes or _NEVER, c.code))
        return Entitlement(kind="contract", contract=best.code, contract_name=best.name, until=best.valid_to,
                           response_minutes=best.response_minutes, resolution_minutes=best.resolution_minutes)
    ends = _warranty_ends(session, assets)
    running = [(end, serial) for end, serial in ends if end > on]
    if running:
        end, serial = max(running)
        return Entitlement(kind="warranty", asset=serial, until=end)
    ended: list[tuple[date, str | None, str | None]] = [(c.valid_to, c.code, None) for c in contracts
                                                        if c.valid_to and c.valid_to <= on]
    ended += [(end, None, serial) for end, serial in ends]
    if ended:
        last = max(ended, key=lambda e: (e[0], e[1] or ""))
        return Entitlement(kind="expired", contract=last[1], asset=last[2], until=last[0])
    return Entitlement(kind="none")


def _assets(session: Session, party_id: int, asset_id: int | None) -> list[ServiceAsset]:
    query = select(ServiceAsset).where(ServiceAsset.party_id == party_id)
    if asset_id is not None:
        query = query.where(ServiceAsset.id == asset_id)
    return list(session.exec(query))


def _covering(session: Session, party_id: int, path: list[str], assets: list[ServiceAsset],
              on: date) -> list[ServiceContract]:
    """The contracts (in force, ended or not yet begun) whose scope and coverage include this inquiry."""
    nodes = {(found.structure, node.party_id) for found in structures.paths(session, party_id, on)
             for node in found.path}
    parties = {party_id} | {node for _structure, node in nodes}
    asset_ids = [saved for saved in (a.id for a in assets) if saved is not None]
    found = session.exec(select(ServiceContract).where(col(ServiceContract.party_id).in_(parties)
                                                       | col(ServiceContract.asset_id).in_(asset_ids))).all()
    codes = {saved: code for saved, code in session.exec(select(Structure.id, Structure.code)).all() if saved}
    models = {a.model for a in assets}
    return [c for c in found if _in_scope(c, party_id, nodes, codes)
            and (not c.topics or set(c.topics) & set(path)) and (not c.products or set(c.products) & models)]


def _in_scope(contract: ServiceContract, party_id: int, nodes: set[tuple[str, int]], codes: dict[int, str]) -> bool:
    if contract.asset_id is not None:
        return True  # found through one of the customer's assets
    if contract.structure_id is None:
        return contract.party_id == party_id
    return (codes.get(contract.structure_id), contract.party_id) in nodes


def _specificity(contract: ServiceContract) -> int:
    return 0 if contract.asset_id else 1 if contract.structure_id is None else 2


def _warranty_ends(session: Session, assets: list[ServiceAsset]) -> list[tuple[date, str]]:
    lengths = warranties.lengths(session, {a.model for a in assets})
    ends = [(warranties.until(a.installed_on, lengths.get(a.model)), a.serial) for a in assets]
    return [(end, serial) for end, serial in ends if end is not None]


# --- what the SLA clocks and rules read (routing/coverage_port) -------------------------------------------------

def contract_targets(session: Session, party_id: int, path: list[str]) -> Targets | None:
    """The covering contract's targets for a new deadline, None without one (or without targets)."""
    if session.exec(select(ServiceContract.id).limit(1)).first() is None:
        return None  # no contracts at all: every inquiry on most installations, one cheap query
    found = assess(session, party_id, path)
    if found.kind != "contract" or not (found.response_minutes or found.resolution_minutes):
        return None
    calendar_id = session.exec(select(ServiceContract.calendar_id).where(ServiceContract.code == found.contract)).one()
    calendar = session.exec(select(Calendar.code).where(Calendar.id == calendar_id)).first() if calendar_id else None
    return Targets(contract=found.contract or "", calendar=calendar,
                   react_hours=found.response_minutes / 60 if found.response_minutes else None,
                   resolve_hours=found.resolution_minutes / 60 if found.resolution_minutes else None)


def entitlement_kind(session: Session, party_id: int, path: list[str]) -> str:
    """contract | warranty | expired | none: `customer.entitlement` in a rule."""
    return assess(session, party_id, path).kind
