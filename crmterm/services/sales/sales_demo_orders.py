"""The demo's orders, made at the TUI's first start (platform/bootstrap, after the demo day's inquiries): every
accepted quote of the demo pipeline becomes an order, and the orders stand at different points of their route —
waiting for approval, approved and in provisioning, provisioned and waiting for completion, completed, and one
cancelled with its reason — each moved by the demo user who works that step's queue.

Not part of `seed demo`: a seeded database holds no inquiries, which tests and scripts rely on."""

from __future__ import annotations

from sqlmodel import Session, col, select

from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.inquiries import inquiry_actions
from crmterm.services.sales import orders, quote_views
from crmterm.store import Quote, SalesOrder, User

# The transitions each demo order has passed, and who took and moved it at each step (the step's queue member)
_PATHS = ((), (("supervisor", "approve"),), (("supervisor", "approve"), ("agent2", "provisioned")),
          (("supervisor", "approve"), ("agent2", "provisioned"), ("agent", "complete")))
CANCEL_REASON = "The customer postponed the office move"


def seed_demo_orders(session: Session) -> int:
    """Returns the number of orders made (0: none to make, or no order type configured)."""
    ordered = select(SalesOrder.quote_id)
    accepted = session.exec(select(Quote).where(Quote.state == "accepted", col(Quote.id).not_in(ordered))
                            .order_by(col(Quote.id))).all()
    people = {u.login: Actor(login=u.login, role=Role(u.role_code), id=u.id)
              for u in session.exec(select(User).where(col(User.login).in_({"supervisor", "agent", "agent2"})))}
    made = 0
    for number, quote in enumerate(accepted):
        order = orders.order_from_quote(session, quote_views.read_quote(session, quote))
        if order is None:
            return made
        made += 1
        if number == len(_PATHS):
            orders.cancel_order(session=session, actor=people.get("supervisor", orders.ORDERS), order_id=order.id,
                                reason=CANCEL_REASON)
        elif order.inquiry_id is not None:
            _walk(session, people, order.inquiry_id, _PATHS[number % len(_PATHS)])
    return made


def _walk(session: Session, people: dict[str, Actor], inquiry_id: int, path: tuple) -> None:
    for login, transition in path:
        actor = people.get(login)
        if actor is None:
            return
        inquiry_actions.take(session=session, actor=actor, inquiry_id=inquiry_id)
        inquiry_actions.move(session=session, actor=actor, inquiry_id=inquiry_id, transition=transition)
