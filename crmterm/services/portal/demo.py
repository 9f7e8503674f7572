"""The portal's part of the demo: a customer who can log in by hand (phone +7 916 555-00-01 or contract
WEB-0001, PIN 2468, or a one-time code read from `crmterm notify outbox`), two topics offered in
self-service, and the balance SMS as a self-service function (when the plugin is installed)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.customers import contracts, customers
from crmterm.services.inquiries import functions
from crmterm.services.portal import access, offers
from crmterm.store import Contract, PortalPin

PHONE = "+79165550001"
CONTRACT = "WEB-0001"
PIN = "2468"
TOPICS = {"disputed_charge": ["approval_reference"], "invoice_copy": []}
FUNCTION = "send_balance_sms"
FUNCTION_TOPIC = "balance_inquiry"


def seed_portal_demo(*, session: Session, actor: Actor) -> bool:
    """Only once (the contract is the mark); False when it was there already."""
    require(actor, Permission.CUSTOMERS_WRITE)
    if session.exec(select(Contract.id).where(Contract.number == CONTRACT)).first() is not None:
        return False
    party = customers.create_party(session=session, actor=actor, source="seed", values={
        "display_name": "Мария Соколова", "names": {"ru": "Мария Соколова", "en": "Maria Sokolova"},
        "kind": "person", "category": "b2c", "phone": PHONE, "email": "maria.sokolova@example.com"})
    contracts.add_contract(session=session, actor=actor, party_id=party.id, number=CONTRACT, start=date(2023, 3, 1),
                           source="seed")
    contracts.add_subscriber(session=session, actor=actor, contract=CONTRACT, number=PHONE, source="seed")
    session.add(PortalPin(party_id=party.id, pin_hash=access.hash_pin(PIN)))
    for topic, internal in TOPICS.items():
        offers.offer_topic(session=session, actor=actor, code=topic, internal_attributes=internal, source="seed")
    if FUNCTION in functions.registered():
        offers.offer_function(session=session, actor=actor, name=FUNCTION, topic=FUNCTION_TOPIC,
                              params={"balance": "250.00", "currency": "RUB"}, source="seed")
    return True
