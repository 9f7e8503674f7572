"""The role matrix's declared table, issue 28 items 4, 6 and 7: customers.billing distributes a payer's payment
(money: not agents); customers.write exports leads and records billing's answers (the export marks what it
sent); reports.read runs the blacklist activity report."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from role_matrix_calls import Entry, World
from sqlmodel import Session

from crmterm.services.accounts.permissions import Actor
from crmterm.services.accounts.permissions import Permission as P
from crmterm.services.customers import lead_batches, payment_demo, payment_split
from crmterm.services.reports import reports_blacklist


def _ack(session: Session, world: World, actor: Actor | None) -> dict:
    path = world.tmp / "lead-ack.csv"
    path.write_text("id,status,reason\n1,accepted,\n", encoding="utf-8")
    return {"path": path}


def _period(session: Session, world: World, actor: Actor | None) -> dict:
    now = datetime.now(timezone.utc)
    return {"start": now - timedelta(days=30), "end": now}


PAYMENT_ENTRIES = [
    # allowed roles reach billing, which a copy of the demo may lack (the split is then refused): only the refusals
    Entry(payment_split.distribute, P.CUSTOMERS_BILLING, lambda s, w, a: {"payer_id": w.party, "amount": "10"},
          succeeds=False),
    Entry(payment_demo.seed_demo_distribution, P.CONFIG_IMPORT),
    Entry(lead_batches.acknowledge, P.CUSTOMERS_WRITE, _ack),
    Entry(reports_blacklist.blacklist_report, P.REPORTS_READ, _period),
]
