"""Demo field service on a fresh crmterm's first start: four "no home internet" inquiries with a work order
each this week — two already dispatched, two waiting on the dispatch board with a proposal. Like the demo day,
loaded by the TUI's first run (platform/bootstrap), not by `crmterm seed demo`: databases seeded for tests and
scripts keep their inquiry numbers."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from crmterm.services.accounts.permissions import SYSTEM, Actor, Role
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.services.service import workorders, workorders_flow
from crmterm.store import Party, Technician, User, WorkOrder, utcnow

AGENT = "agent"  # data/seed/demo.yaml's agent registers the inquiries
# (customer, days from the first day, window, region, skills, address, technician or None: unassigned); tech1's
# visit overlaps the second order's window, so the board proposes tech2 for it, and tech1 for the third
_ORDERS = (
    ("Склад Химки", 1, "10:00-12:00", "moscow", {"fiber": 3}, "Химки, Ленинградское ш., 12", "tech1"),
    ("Норд Ритейл — Москва", 1, "09:00-13:00", "moscow", {"router_setup": 2}, "Москва, Тверская ул., 7", None),
    ("Отдел продаж", 1, "14:00-18:00", "moscow", {"fiber": 2}, "Москва, ул. Арбат, 20", None),
    ("Норд Логистик", 0, "14:00-17:00", "ural", {"router_setup": 3}, "Екатеринбург, ул. Малышева, 51", "tech3"),
)
TASKS = ["Check the line and the ONT", "Replace the router if faulty"]


def seed_demo_work_orders(session: Session) -> int:
    """Only into a database with the demo agent and technicians and no work orders yet. Returns how many."""
    agent = session.exec(select(User).where(User.login == AGENT)).first()
    if agent is None or session.exec(select(WorkOrder.id)).first() is not None \
            or session.exec(select(Technician.user_id)).first() is None:
        return 0
    actor = Actor(login=agent.login, role=Role(agent.role_code), id=agent.id)
    parties = {name: party for name, party in session.exec(
        select(Party.display_name, Party.id).where(col(Party.display_name).in_([o[0] for o in _ORDERS])))
        if party is not None}
    today, made = datetime.now().astimezone().date(), 0
    first = today - timedelta(days=1) if today.weekday() == 6 else today  # it and the next day: this week
    for customer, days, window, region, skills, address, technician in _ORDERS:
        if customer not in parties:
            continue
        inquiry = _register(session, actor, parties[customer])
        order = workorders.create_work_order(session=session, actor=actor, inquiry_id=inquiry, region=region,
                                             window=f"{first + timedelta(days=days)} {window}", skills=skills,
                                             tasks=TASKS, address=address, source="seed")
        if technician:
            workorders_flow.dispatch(session=session, actor=SYSTEM, work_order_id=order.id, technician=technician)
        made += 1
    return made


def _register(session: Session, actor: Actor, party: int) -> int:
    since = (utcnow() - timedelta(hours=3)).isoformat(timespec="minutes")
    draft = ContactDraft(at=utcnow() - timedelta(minutes=30), channel="phone", place="cc_msk", customer=party,
                         inquiries=[{"topic": "home_no_connection", "values": {"problem_since": since}}])
    return register(session=session, actor=actor, draft=draft).inquiry_ids[0]
