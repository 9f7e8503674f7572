"""Billing: the link to the billing system kept outside the CRM (balance, credit limit, services in force,
invoices and payments, read through an adapter with a timeout and a short cache) and the blacklists of
customers, numbers and documents flagged for fraud or non-payment.

Public: adapters (the plugin interface, entry-point group `crmterm.billing`), accounts (a customer's billing
block, never blocking: "unavailable since …" when billing is slow or down), blacklist, billing_demo; internal:
billing_config, sql_adapter, demo_tables. Faces and other domains import only the public modules (pyproject's
protected contracts check it). Billing stands on accounts and the store alone, so customers, inquiries and
sales may ask it.
"""
