"""Inquiries: registering contacts and inquiries, their actions and moves through route steps, the inquiry
log, attachments, external events and requests, business functions, and system problems."""

from crmterm.services.inquiries import automation_actions
from crmterm.services.routing import action_runner

# Every caller of automation.fire imports this package (the events are the inquiry life-cycle's), so the
# runner is in place before the first rule can fire (routing/action_runner.py says why it is handed in).
action_runner.set_runner(automation_actions.run)
