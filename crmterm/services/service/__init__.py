"""Service management: the installed base (equipment at a customer), service contracts and warranties with
their targets, entitlement at registration, work orders dispatched to technicians, and quality of service
against what each contract agreed.

Public: (filled in as the modules land); internal: none yet.
"""
