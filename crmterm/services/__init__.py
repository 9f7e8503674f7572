"""The use cases, one package per domain (DESIGN.md §3).

Importing any service first imports the packages below, so what each hands to a lower package when it is
imported is in place before any service runs: the directory areas and config sections (directory/registry.py),
the runner of automation actions (routing/action_runner.py), the inquiry log, actions, business functions and
deadlines routing and the SLA scan use (routing/routing_ports.py, sla/scan_ports.py), and registration's
knowledge writer (inquiries/registration_extras.py). Each is handed in so that the lower package never imports
the higher."""

from crmterm.services import customers, inquiries, knowledge, mail, routing, sla, topics  # noqa: F401 - registrations
