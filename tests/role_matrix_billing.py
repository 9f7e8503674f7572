"""The role matrix's declared table, billing part (issue 28): everyone who reads customers reads their billing
block; the demo billing is loaded with the demo (config.import)."""

from __future__ import annotations

from role_matrix_calls import Entry

from crmterm.services.accounts.permissions import Permission as P
from crmterm.services.billing import accounts, billing_demo

BILLING_ENTRIES = [
    Entry(accounts.get_account, P.CUSTOMERS_READ, lambda s, w, a: {"party_id": w.party}),
    Entry(billing_demo.seed_demo_billing, P.CONFIG_IMPORT),
]
