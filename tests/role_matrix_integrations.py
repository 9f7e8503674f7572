"""The role matrix's declared table, webhooks: subscriptions, the delivery worker and the delivery log are the
administrators' (webhooks.admin). Screen pop: those who register pop calls for themselves, supervisors and
admins for anyone. See role_matrix_calls.py for what an entry is."""

from __future__ import annotations

from sqlmodel import Session

from crmterm.services.integrations import delivery, delivery_log, subscriptions
from crmterm.services.inquiries import incoming_calls
from crmterm.services.accounts.permissions import Actor
from crmterm.services.accounts.permissions import Permission as P
from crmterm.settings import Settings
from crmterm.store import IncomingCall
from role_matrix_calls import Entry, World


def own_call(session: Session, actor: Actor | None) -> int:
    row = IncomingCall(user_id=actor.id if actor and actor.id else 1, call_id="matrix", number="+79161000001",
                       created_by="matrix")
    session.add(row)
    session.flush()
    return row.id or 0


def subscription(session: Session, world: World) -> int:
    return subscriptions.add_subscription(session=session, actor=world.admin, kind="inquiry.created",
                                          url="https://hooks.example/in").id


INTEGRATION_ENTRIES: list[Entry] = [
    Entry(subscriptions.add_subscription, P.WEBHOOKS_ADMIN,
          lambda s, w, a: {"kind": "inquiry.created", "url": "https://hooks.example/in"}),
    Entry(subscriptions.list_subscriptions, P.WEBHOOKS_ADMIN),
    Entry(subscriptions.remove_subscription, P.WEBHOOKS_ADMIN,
          lambda s, w, a: {"subscription_id": subscription(s, w)}),
    Entry(delivery_log.delivery_log, P.WEBHOOKS_ADMIN),
    Entry(delivery.deliver, P.WEBHOOKS_ADMIN, lambda s, w, a: {"settings": Settings(database_url=w.url)},
          own_transaction=True),
    # popping another agent's calls needs inquiries.supervise too: tests/test_incoming_calls.py
    Entry(incoming_calls.pop_call, P.INQUIRIES_WRITE,
          lambda s, w, a: {"number": "+7 916 100-00-01", "agent_login": a.login if a else "agent", "call_id": "m"}),
    Entry(incoming_calls.next_call_for, P.INQUIRIES_WRITE),
    Entry(incoming_calls.mark_shown, P.INQUIRIES_WRITE, lambda s, w, a: {"incoming_id": own_call(s, a)}),
]
