"""The role matrix's declared table, collections part (issue 28, items 3 and 7): collections.manage imports
receivables and runs the dunning scan, collections.work records promised payments, everyone who reads
customers reads their receivables, aging and promises; the reports need reports.read; the demo's receivables
are loaded with the demo (config.import)."""

from __future__ import annotations

from datetime import date, timedelta

from role_matrix_calls import Entry, World
from sqlmodel import Session

from crmterm.services.accounts.permissions import Actor
from crmterm.services.accounts.permissions import Permission as P
from crmterm.services.collections import aging, collections_demo, collections_reports, dunning, promises, receivables


def _invoice(world: World) -> dict:
    return {"number": "MATRIX-INV-1", "customer": str(world.party), "issued_on": "2026-01-01",
            "due_on": "2026-01-21", "amount": "100.00"}


def _file(session: Session, world: World, actor: Actor | None) -> dict:
    path = world.tmp / "matrix-invoices.jsonl"
    path.write_text('{"number": "MATRIX-INV-2", "customer": "%d", "issued_on": "2026-01-01", '
                    '"due_on": "2026-01-21", "amount": "50"}\n' % world.party, encoding="utf-8")
    return {"path": path}


COLLECTIONS_ENTRIES = [
    Entry(receivables.import_rows, P.COLLECTIONS_MANAGE, lambda s, w, a: {"rows": [(1, _invoice(w))]}),
    Entry(receivables.import_file, P.COLLECTIONS_MANAGE, _file),
    # billing may be out of reach from the database's own login (PostgreSQL): only not refused
    Entry(receivables.import_from_adapter, P.COLLECTIONS_MANAGE, lambda s, w, a: {"party_ids": [w.party]},
          succeeds=False),
    Entry(receivables.of_customer, P.CUSTOMERS_READ, lambda s, w, a: {"party_id": w.party}),
    Entry(aging.customer_aging, P.CUSTOMERS_READ, lambda s, w, a: {"party_id": w.party}),
    Entry(aging.node_aging, P.CUSTOMERS_READ, lambda s, w, a: {"structure": "organisation", "party_id": w.party}),
    Entry(promises.record_promise, P.COLLECTIONS_WORK,
          lambda s, w, a: {"party_id": w.party, "amount": "100", "promised_on": date.today() + timedelta(days=3)}),
    Entry(promises.list_promises, P.CUSTOMERS_READ),
    # a day long before the demo's invoices: nothing overdue, so the check is quick
    Entry(dunning.scan, P.COLLECTIONS_MANAGE, lambda s, w, a: {"as_of": date(2001, 1, 1)}),
    Entry(collections_reports.aging_report, P.REPORTS_READ),
    Entry(collections_reports.collections_report, P.REPORTS_READ,
          lambda s, w, a: {"start": date(2026, 1, 1), "end": date(2027, 1, 1)}),
    Entry(collections_demo.seed_demo_collections, P.CONFIG_IMPORT),
]
