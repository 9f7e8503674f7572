"""Routing: routes and their steps, queues and take-next, saved queue filters, automation rules and their
actions, and the live change watchers screens poll.

Public: action_runner (the port inquiries fills), automation (fire), automation_kinds, live, queues,
route_kinds, routes, routing, saved_filters; internal: route_checks. Faces and other domains import only the
public modules (pyproject's protected contracts check it).
"""
