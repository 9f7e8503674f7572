"""The role matrix's declared table, billing part (issue 28): everyone who reads customers reads their billing
block and the blacklists; blacklist.write adds and lifts entries; the demo billing is loaded with the demo
(config.import)."""

from __future__ import annotations

from role_matrix_calls import Entry, World
from sqlmodel import Session

from crmterm.services.accounts.permissions import Actor
from crmterm.services.accounts.permissions import Permission as P
from crmterm.services.billing import accounts, billing_demo, blacklist


def _entry(session: Session, world: World, actor: Actor | None) -> dict:
    made = blacklist.add_entry(session=session, actor=world.people["supervisor"], kind="document",
                               value="MATRIX-1", reason="fraud")
    return {"entry_id": made.id}


BILLING_ENTRIES = [
    Entry(accounts.get_account, P.CUSTOMERS_READ, lambda s, w, a: {"party_id": w.party}),
    Entry(billing_demo.seed_demo_billing, P.CONFIG_IMPORT),
    Entry(billing_demo.seed_demo_blacklist, P.CONFIG_IMPORT),
    Entry(blacklist.add_entry, P.BLACKLIST_WRITE, lambda s, w, a: {"kind": "customer", "value": str(w.party),
                                                                   "reason": "non_payment"}),
    Entry(blacklist.lift_entry, P.BLACKLIST_WRITE, _entry),
    Entry(blacklist.list_entries, P.CUSTOMERS_READ),
    Entry(blacklist.check, P.CUSTOMERS_READ, lambda s, w, a: {"party_id": w.party, "document": "MATRIX-1"}),
]

BILLING_EXEMPT = {
    "blacklist.require_clearance": "the blacklist check of quotes.create_quote / quote_states.send_quote after "
                                   "their seller check",
}
