"""Customers: parties and their structures, contracts/subscribers/discounts (contracts), the customer card,
search, import, leads (exported incrementally: lead_batches), change history ("as of"), merges, the right to erasure,
and a payer's payment distributed over the contracts below it (payment_split).

Public: as_of, contracts, customer_card, customer_import, customer_search, customer_views, customers, erasure,
history, lead_batches, leads, notes, party_inquiries, payment_demo, payment_rules, payment_split, phones,
structures; internal: customer_import_bulk, erasure_inquiries,
history_config (registered with the directory), search_details. Faces and other domains import only the public modules
(pyproject's protected contracts check it).
"""

from crmterm.services.directory import registry

# Config as code reads the section from the registry rather than importing it (directory/registry.py says why);
# by name, so a customer search does not load config-as-code's YAML machinery.
registry.register_section("tracked_fields", "crmterm.services.customers.history_config:TrackedFieldsSection")
