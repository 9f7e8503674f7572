"""Integrations: outgoing webhooks. Owns the subscriptions (which URL hears which event kind), the outbox that
other domains fill with `publish` in the transaction of their change, the delivery worker that posts signed
JSON with retries, and the delivery log.

It sits low in the domain order: it reads and writes only its own tables (and reads the inquiry or problem an
event is about, from the store); inquiries and sla call it, never the other way round."""

from crmterm.services.integrations.outbox import inquiry_event, problem_event, publish
from crmterm.services.integrations.subscriptions import EVENT_KINDS

__all__ = ["EVENT_KINDS", "inquiry_event", "problem_event", "publish"]
