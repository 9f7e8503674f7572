"""The role matrix's declared table, webhooks: subscriptions, the delivery worker and the delivery log are the
administrators' (webhooks.admin). See role_matrix_calls.py for what an entry is."""

from __future__ import annotations

from sqlmodel import Session

from crmterm.services.integrations import delivery, delivery_log, subscriptions
from crmterm.services.accounts.permissions import Permission as P
from crmterm.settings import Settings
from role_matrix_calls import Entry, World


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
]
