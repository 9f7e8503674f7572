"""SLA: regulations and business calendars, deadline computation, scans and escalation, and notifications
(templates, inbox, mail delivery).

Public: notification_delivery, notification_inbox, notifications, scan_ports (what inquiries hands in), sla,
sla_scan, sla_status; internal: notification_mail, notification_templates, sla_checks, sla_escalate, sla_kinds
(registered with the directory). Faces and other domains import only the public modules (pyproject's protected
contracts check it).
"""

from crmterm.services.directory import registry
from crmterm.services.routing import routing_ports
from crmterm.services.sla import sla, sla_kinds

# The directory's registry reads the areas from here rather than importing them (directory/registry.py says why).
registry.register_kinds("sla", sla_kinds.SLA_KINDS)
registry.register_kinds("escalations", sla_kinds.ESCALATION_KINDS)
# Placing an inquiry on its route computes its deadlines through routing's port (routing/routing_ports.py says why).
routing_ports.provide(deadlines_on_route=sla.on_route)
