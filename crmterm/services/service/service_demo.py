"""Demo service management: warranty lengths for the catalogue's devices, Wi-Fi routers and IP phones at
customers (one router long out of warranty), and service contracts of two levels — gold for the whole Nord
Group (2 h response, 8 h resolution, around the clock, a credit per breach) and silver for Nord Logistics
Novosibirsk (business hours of the back office). Loaded once, after the customers (services/platform/seed)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, col, select

from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.service import assets, service_contracts, warranties
from crmterm.services.service.service_contracts import ContractDraft
from crmterm.store import Calendar, Contract, Party, ServiceAsset, Topic

_WARRANTIES = {"router": 24, "ip_phone": 12}
_TECHNICAL = "technical"  # the demo topic group of technical problems (home internet below it)


def seed_demo_service(*, session: Session, actor: Actor, today: date | None = None) -> int:
    """Returns the number of assets recorded (0: the demo has them already, or has no customers)."""
    require(actor, Permission.CONFIG_IMPORT)
    if session.exec(select(ServiceAsset.id).limit(1)).first() is not None:
        return 0
    today = today or date.today()
    group = session.exec(select(Contract.payer_party_id).where(Contract.number == "NORD-001")).first()
    logistics = session.exec(select(Contract.payer_party_id).where(Contract.number == "NORD-013")).first()
    homes = [party for party in session.exec(select(Party.id).where(Party.kind == "person",
                                                                     col(Party.is_lead).is_(False))
                                             .order_by(col(Party.id)).limit(3)) if party is not None]
    if group is None or logistics is None or len(homes) < 3:
        return 0
    for model, months in _WARRANTIES.items():
        warranties.set_warranty(session=session, actor=actor, model=model, months=months, source="seed")
    made = _home_routers(session, actor, homes, today) + _office_equipment(session, actor, group, logistics, today)
    _contracts(session, actor, group, logistics)
    return made


def _home_routers(session: Session, actor: Actor, homes: list[int], today: date) -> int:
    """Three home-internet routers: two under warranty, one installed three years ago (expired)."""
    ages = (120, 400, 3 * 365)
    for number, (party, age) in enumerate(zip(homes, ages, strict=True), start=1):
        assets.add_asset(session=session, actor=actor, serial=f"RT-HOME-{number:04d}", model="router",
                         party_id=party, installed_on=today - timedelta(days=age),
                         address=f"Moscow, Lenina st. {10 + number}, apt {number * 7}", source="seed")
    return len(homes)


def _office_equipment(session: Session, actor: Actor, group: int, logistics: int, today: date) -> int:
    made = [("RT-NORD-0001", "router", group, "Moscow, Tverskaya st. 1, server room", 200),
            ("IPP-NORD-0001", "ip_phone", group, "Moscow, Tverskaya st. 1, reception", 200),
            ("RT-NSK-0001", "router", logistics, "Novosibirsk, Lenina st. 5", 500),
            ("CAM-NSK-0001", "Dock camera DX-20", logistics, "Novosibirsk, Lenina st. 5, dock 2", 30)]
    for serial, model, party, address, age in made:
        assets.add_asset(session=session, actor=actor, serial=serial, model=model, party_id=party, address=address,
                         installed_on=today - timedelta(days=age), source="seed")
    return len(made)


def _contracts(session: Session, actor: Actor, group: int, logistics: int) -> None:
    technical = session.exec(select(Topic.code).where(Topic.code == _TECHNICAL)).first()
    topics = [technical] if technical else []
    start = date(2025, 1, 1)  # fixed, open-ended: what Register shows does not change with the calendar
    drafts = [
        ContractDraft(code="SVC-GOLD-NORD", name="Gold support: Nord Group", customer=group,
                      structure="organisation", topics=topics, response="2h", resolution="8h", valid_from=start,
                      credit_per_breach="5000"),
        ContractDraft(code="SVC-SILVER-NSK", name="Silver support: Nord Logistics Novosibirsk", customer=logistics,
                      topics=topics, calendar="back_office_ekb", response="4h", resolution="16h", valid_from=start,
                      credit_per_breach="1500"),
        ContractDraft(code="SVC-2019-NORD", name="Support 2019–2020 (ended)", customer=group, topics=topics,
                      response="8h", resolution="48h", valid_from=date(2019, 1, 1), valid_to=date(2021, 1, 1)),
    ]
    for draft in drafts:
        if draft.calendar and not _calendar_known(session, draft.calendar):
            draft.calendar = None  # a demo without the back-office calendar: the silver contract runs 24×7
        service_contracts.save_contract(session, actor, draft, replace=False, source="seed")


def _calendar_known(session: Session, code: str) -> bool:
    return session.exec(select(Calendar.id).where(Calendar.code == code)).first() is not None
