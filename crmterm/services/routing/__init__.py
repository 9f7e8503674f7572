"""Routing: routes and their steps, queues and take-next, saved queue filters, automation rules and their
actions, and the live change watchers screens poll.

Public: action_runner and routing_ports (what inquiries and sla hand in), agent_skills (skills routing),
automation (fire), filter_matches (the ids a filter selects, for group operations), filter_sql (a filter's
further parameters as SQL, for reports), inquiry_filter (InquiryFilter), live, queues, routes, routing,
saved_filters, skill_rules; internal: automation_kinds and
route_kinds (registered with the directory), route_checks, take_pg (queues.take_next's one-statement path on
PostgreSQL), skill_match (which inquiry take-next picks under skills routing). Faces and other domains import
only the public modules (pyproject's protected contracts check it).
"""

from crmterm.services.directory import registry
from crmterm.services.routing import automation_kinds, route_kinds

# The directory's registry reads the areas from here rather than importing them (directory/registry.py says why).
registry.register_kinds("routes", route_kinds.ROUTE_KINDS)
registry.register_kinds("automation", automation_kinds.AUTOMATION_KINDS)
