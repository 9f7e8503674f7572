"""Inquiries: registering contacts and inquiries, their actions and moves through route steps, the inquiry
log, attachments, external events and requests, business functions, and system problems.

Public: assignees, attachments, drafts, external_events, functions, incoming_calls (screen pop), inquiries,
inquiry_actions, inquiry_log, inquiry_moves, inquiry_values, problem_close, problem_links, problems, registration,
registration_drafts, registration_extras (the port knowledge fills), registration_views; internal:
automation_actions, event_labels, external_requests, registration_refs, system_moves, transition_actions,
transition_notices, write_rules. Faces and other domains import only the public modules (pyproject's protected
contracts check it).
"""

from crmterm.services.inquiries import automation_actions, functions, inquiry_actions, inquiry_log
from crmterm.services.routing import action_runner, routing_ports
from crmterm.services.sla import scan_ports

# Every caller of automation.fire imports this package (the events are the inquiry life-cycle's), so the
# runner is in place before the first rule can fire (routing/action_runner.py says why it is handed in).
action_runner.set_runner(automation_actions.run)
# Routing and the SLA scan write to the inquiry log, act on inquiries and check business functions through
# their ports (routing/routing_ports.py and sla/scan_ports.py say why these are handed in rather than imported).
# The catalogue is looked up at each call, as routing's checks did before, so a replaced one is seen at once.
routing_ports.provide(record_event=inquiry_log.record, function_names=lambda: functions.registered(),
                      load_function=functions.load, typed_params=functions.typed)
scan_ports.provide(load_inquiry=inquiry_actions.load, set_priority=inquiry_actions.set_priority,
                   transfer=inquiry_actions.transfer, record_event=inquiry_log.record)
