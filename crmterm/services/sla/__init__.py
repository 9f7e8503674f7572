"""SLA: regulations and business calendars, deadline computation, scans and escalation, and notifications
(templates, inbox, mail delivery).

Public: notification_delivery, notification_inbox, notifications, sla, sla_kinds, sla_scan, sla_status;
internal: notification_mail, notification_templates, sla_checks, sla_escalate. Faces and other domains import
only the public modules (pyproject's protected contracts check it).
"""
