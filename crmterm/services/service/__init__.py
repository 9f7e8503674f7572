"""Service management: the installed base (equipment at a customer), service contracts and warranties with
their targets, entitlement at registration, work orders dispatched to technicians, and quality of service
against what each contract agreed.

Public: (filled in as the modules land); internal: none yet.

Field service (item 4): public technicians, technicians_config (the `technicians` section, CSV import),
technicians_import, workorders, workorders_flow, workorders_read, dispatch, dispatch_plan (the proposal, pure),
workorders_demo.
"""

from crmterm.services.directory import registry

# Config as code reads the section from the registry rather than importing it (directory/registry.py says why).
registry.register_section("technicians", "crmterm.services.service.technicians_config:TechniciansSection")
