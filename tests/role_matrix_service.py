"""The role matrix's declared table, field service part (issue 27, item 4): technicians are read by everyone
and configured by users.write; work orders are raised and worked with service.work — a technician only on the
orders dispatched to them — and dispatched (the board, proposals, cancelling) with service.dispatch. Builders
dispatch the order to the caller (made a technician for it) when the caller works orders, else to tech1."""

from __future__ import annotations

from datetime import date

from role_matrix_calls import Entry, World
from sqlmodel import Session

from crmterm.services.accounts.permissions import Actor
from crmterm.services.accounts.permissions import Permission as P
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.services.service import dispatch, technicians, technicians_import, workorders, workorders_flow

WINDOW = "2026-12-08 09:00-12:00"


def _inquiry(session: Session, world: World) -> int:
    draft = ContactDraft(channel="phone", place="cc_msk", customer=world.party, inquiries=[
        {"topic": "home_no_connection", "values": {"problem_since": "2026-12-07 10:00"}}])
    return register(session=session, actor=world.people["agent"], draft=draft).inquiry_ids[0]


def _order(state: str):
    def build(session: Session, world: World, actor: Actor | None) -> dict:
        admin = world.admin
        login = actor.login if actor is not None and actor.can(P.SERVICE_WORK) else "tech1"
        if login != "tech1":
            technicians.add_technician(session=session, actor=admin, login=login, region="moscow")
        order = workorders.create_work_order(session=session, actor=admin, inquiry_id=_inquiry(session, world),
                                             region="moscow", window=WINDOW).id
        if state != "planned":
            workorders_flow.dispatch(session=session, actor=admin, work_order_id=order, technician=login)
        if state == "in_progress":
            workorders_flow.start(session=session, actor=admin, work_order_id=order)
        return {"work_order_id": order}
    return build


def _csv(session: Session, world: World, actor: Actor | None) -> dict:
    path = world.tmp / "technicians.csv"
    path.write_text("login,region,skills\nagent2,spb,fiber:2\n", encoding="utf-8")
    return {"path": path}


def _with(build, **extra):
    return lambda s, w, a: {**build(s, w, a), **extra}


SERVICE_ENTRIES = [
    Entry(technicians.add_technician, P.USERS_WRITE, lambda s, w, a: {"login": "agent2", "region": "spb"}),
    Entry(technicians.list_technicians, P.DIRECTORY_READ),
    Entry(technicians.get_technician, P.DIRECTORY_READ, lambda s, w, a: {"login": "tech1"}),
    Entry(technicians_import.import_technicians, P.CONFIG_IMPORT, _csv),
    Entry(workorders.create_work_order, P.SERVICE_WORK,
          lambda s, w, a: {"inquiry_id": _inquiry(s, w), "region": "moscow", "window": WINDOW}),
    Entry(workorders.list_work_orders, P.SERVICE_WORK),
    Entry(workorders.get_work_order, P.SERVICE_WORK, _order("dispatched")),
    Entry(workorders_flow.dispatch, P.SERVICE_DISPATCH, _with(_order("planned"), technician="tech1")),
    Entry(workorders_flow.start, P.SERVICE_WORK, _order("dispatched")),
    Entry(workorders_flow.record, P.SERVICE_WORK, _with(_order("in_progress"), minutes=10)),
    Entry(workorders_flow.accept, P.SERVICE_WORK, _with(_order("in_progress"), by="Ivan Petrov")),
    Entry(workorders_flow.complete, P.SERVICE_WORK, _order("in_progress")),
    Entry(workorders_flow.cancel, P.SERVICE_DISPATCH, _order("planned")),
    Entry(dispatch.board, P.SERVICE_DISPATCH, lambda s, w, a: {"start": date(2026, 12, 7)}),
    Entry(dispatch.proposal, P.SERVICE_DISPATCH, _order("planned")),
    Entry(dispatch.assign_proposed, P.SERVICE_DISPATCH, _order("planned")),
]

SERVICE_EXEMPT = {
    "workorders.visible": "the technician's own-orders check of get_work_order and workorders_flow after their "
                          "permission check",
}
