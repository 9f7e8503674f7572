"""Service management: the installed base (equipment at a customer), service contracts and warranties with
their targets, entitlement at registration, work orders dispatched to technicians, and quality of service
against what each contract agreed.

Public: technicians, technicians_config (the `technicians` section, CSV import), technicians_import, workorders,
workorders_flow, workorders_read, dispatch, dispatch_plan (the proposal, pure), workorders_demo (field service,
item 4); assets, contract_import, entitlement, service_contracts, service_demo, warranties (items 1-3);
internal: none (the quality-of-service report is the reports domain's: reports/reports_qos).
Faces and other domains import only the public modules (pyproject's protected contracts check it). The SLA
clocks and the rule context reach the contracts through routing/coverage_port, which this package fills.
"""

from crmterm.services.directory import registry
from crmterm.services.routing import coverage_port
from crmterm.services.service import entitlement

# Config as code reads the section from the registry rather than importing it (directory/registry.py says why).
registry.register_section("technicians", "crmterm.services.service.technicians_config:TechniciansSection")
# Deadlines and rules read coverage through routing's port (routing/coverage_port.py says why).
coverage_port.provide(contract_targets=entitlement.contract_targets, entitlement_kind=entitlement.entitlement_kind)
