"""The customer self-service portal: what customers do themselves through the web pages of `crmterm serve`
(crmterm/api/portal).

Owns customers' log-in (one-time codes through the notification outbox, PINs, rate limits per number and per
address, sessions with their CSRF token: access, identity), the public knowledge base (public_kb), a customer's
own inquiries with their public timeline, comments, files and ratings (my_inquiries, ratings), new requests on
the topics offered in self-service (requests), self-service business functions (operations) and what the
portal offers (offers, demo).

Customers are not users: a `PortalCustomer`, found only from a live session, is the caller of every portal
service, and each service checks that the data asked for belongs to a party the customer may see (their own,
and a company's when they log in as its contact person). Work is then done through the inquiry services as
the `PORTAL` account and audited with source "portal".

Public: access, identity, my_inquiries, offers, operations, public_kb, ratings, requests, demo; internal:
offer_config (the offers' config-as-code sections, registered with the directory).
"""

from crmterm.services.directory import registry

# Config as code reads the sections from the registry (directory/registry.py says why); made on first read.
registry.register_section("portal_topics", "crmterm.services.portal.offer_config:PortalTopicsSection")
registry.register_section("portal_functions", "crmterm.services.portal.offer_config:PortalFunctionsSection")
