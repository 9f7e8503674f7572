"""Demo customers: the "Nord" corporate group with branches five levels deep in the organisation structure and
a different billing structure, a few hundred private customers with several subscribers, and leads."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.customers import contracts, customer_card, customers, history, notes, structures
from crmterm.services.platform import synthetic
from crmterm.store import Party

# (name ru, name en, children) — five levels: group › division › regional branch › department › team
_Unit = tuple[str, str, list["_Unit"]]
_GROUP: _Unit = ("Группа «Норд»", "Nord Group", [
    ("Норд Ритейл", "Nord Retail", [
        ("Норд Ритейл — Москва", "Nord Retail Moscow", [
            ("Отдел логистики", "Logistics department", [("Склад Химки", "Khimki warehouse", []),
                                                         ("Экспедиция", "Forwarding team", [])]),
            ("Отдел продаж", "Sales department", [("Корпоративные продажи", "Corporate sales team", [])]),
        ]),
        ("Норд Ритейл — Санкт-Петербург", "Nord Retail Saint Petersburg", [
            ("Отдел продаж СПб", "Sales department SPb", [("Розница Невский", "Nevsky retail team", [])]),
        ]),
    ]),
    ("Норд Логистик", "Nord Logistics", [
        ("Норд Логистик — Новосибирск", "Nord Logistics Novosibirsk", [
            ("Автопарк", "Fleet department", [("Диспетчерская", "Dispatch team", [])]),
        ]),
    ]),
])


def _create_group(session: Session, actor: Actor) -> list[int]:
    """Creates the tree; returns ids in creation order (root first)."""
    created: list[int] = []

    def add(node: _Unit, parent: int | None, depth: int) -> None:
        ru, en, children = node
        party = customers.create_party(session=session, actor=actor, source="seed", values={
            "display_name": ru, "names": {"ru": ru, "en": en}, "kind": "organisation", "category": "b2b",
            "email": f"info{len(created) + 1}@nord.example"})
        created.append(party.id)
        on = date(2021, 1, 1)
        structures.place(session=session, actor=actor, structure="organisation", party_id=party.id,
                         parent_id=parent, on=on, source="seed")
        # billing differs: divisions pay for their own subtrees, teams are billed to their region
        billing_parent = None if depth in (0, 1) else (created[0] if depth == 2 else parent)
        structures.place(session=session, actor=actor, structure="billing", party_id=party.id,
                         parent_id=billing_parent, on=on, source="seed")
        contracts.add_contract(session=session, actor=actor, party_id=party.id, number=f"NORD-{len(created):03d}",
                              start=on)
        for child in children:
            add(child, party.id, depth + 1)

    add(_GROUP, None, 0)
    return created


def _demo_notes(session: Session, actor: Actor, party_id: int) -> None:
    """One note of each kind the card shows: the customer's (public), its contract's and a subscriber's."""
    card = customer_card.get_card(session=session, actor=actor, party_id=party_id)
    contract = next(c for c in card.contracts if c.number == "NORD-001")
    for kind, target, text, public in (
            ("customer", party_id, "Prefers e-mail to calls", True),
            ("contract", contract.id, "Renewal talks next quarter", False),
            ("subscriber", contract.subscribers[0].id, "Router SIM: call IT first", False)):
        notes.add_note(session=session, actor=actor, kind=kind, target_id=target, text=text, public=public,
                       source="seed")


def _demo_past(session: Session, actor: Actor, party_id: int) -> None:
    """A customer with a past the card "as of" shows: Nord Logistics Novosibirsk was the dealer SibTransLogistic
    until it took the group's name on 3 March 2025 (open it and type 2025-01-01 into "As of")."""
    party = customers.get_party(session, party_id)
    party.created_at = datetime(2020, 11, 2, 9, 0, tzinfo=UTC)
    session.add(party)
    renamed = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)
    for field, old, new in (("display_name", "СибТрансЛогистик", party.display_name),
                            ("names", {"ru": "СибТрансЛогистик", "en": "SibTransLogistic"}, dict(party.names)),
                            ("category", "partner", "b2b"), ("email", "office@sibtrans.example", party.email)):
        history.record(session, entity="party", entity_id=party_id, field=field, old=old, new=new, by=actor.login,
                       source="seed", at=renamed)


def seed_demo_customers(*, session: Session, actor: Actor) -> int:
    """Only into a database without customers: the demo is loaded once."""
    require(actor, Permission.CUSTOMERS_IMPORT)  # even when there is nothing to do: the answer tells who may
    if session.execute(select(func.count()).select_from(Party)).scalar():
        return 0
    group = _create_group(session, actor)
    contracts.add_discount(session=session, actor=actor, percent="15", party_id=group[0],
                          description="Group framework agreement", valid_from=date(2024, 1, 1))
    contracts.add_contact_person(session=session, actor=actor, party_id=group[0], name="Кравцов Андрей",
                                role="IT director", phones=["+7 495 123-45-67"], emails=["kravtsov@nord.example"])
    for number in ("+7 916 100-00-01", "+7 916 100-00-02", "+7 916 100-00-03"):
        contracts.add_subscriber(session=session, actor=actor, contract="NORD-001", number=number, source="seed")
    customer_card.set_attribute(session=session, actor=actor, party_id=group[0], code="credit_limit",
                                value="500000", on=date.today() - timedelta(days=30), source="seed")
    _demo_notes(session, actor, group[0])
    _demo_past(session, actor, group[12])  # Nord Logistics Novosibirsk
    counts = synthetic.generate(session=session, actor=actor, customers=300, seed=2024)
    return len(group) + counts.parties
