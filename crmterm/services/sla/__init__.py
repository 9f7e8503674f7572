"""SLA: regulations and business calendars, deadline computation, scans and escalation, and notifications
(templates, inbox, mail delivery)."""
