"""The use cases, one package per domain (DESIGN.md §3).

Lower packages get what they need from higher ones through ports: the directory areas and config sections
(directory/registry.py), the runner of automation actions (routing/action_runner.py), the inquiry log,
actions, business functions and deadlines routing and the SLA scan use (routing/routing_ports.py,
sla/scan_ports.py), registration's knowledge writer (inquiries/registration_extras.py), and the service
contracts' coverage the SLA clocks and rules read (routing/coverage_port.py). The higher package
fills each port when it is imported; a port asked before that imports its provider by dotted name (invisible
to import-linter, so the lower package still never imports the higher statically). Nothing is imported here:
a command that searches customers does not pay for the knowledge base, reports or the inquiry life-cycle."""
