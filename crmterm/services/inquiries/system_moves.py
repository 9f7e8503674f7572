"""Moves along a route made by the system rather than a person: an external event that a transition names
(`on_event`) or an automation rule's `move`. Nobody needs to hold the inquiry — it may wait in its queue —
but it must be open and on a route, the transition must leave its current step and the guard must hold.
The move itself is a person's (inquiry_actions.along: actions, SLA clocks, the next step's queue), written
under the version check, logged, announced to live screens and handed to automation."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from crmterm.services.accounts.permissions import Actor
from crmterm.services.inquiries import inquiry_actions, inquiry_log
from crmterm.services.routing import automation, live, routing
from crmterm.store import Inquiry
from crmterm.store.tables import saved_id
from crmterm.workflow import engine, rules
from crmterm.workflow.routes import RouteDefinition, TransitionDef


def candidates(session: Session, inquiry: Inquiry,
               accept: Callable[[TransitionDef], bool]) -> tuple[RouteDefinition | None, list[TransitionDef]]:
    """The route and the transitions out of the current step that `accept` picks (none when the inquiry is
    closed, cancelled or has no route)."""
    if inquiry.route_revision_id is None or inquiry.state not in engine.OPEN:
        return None, []
    route = routing.revision(session, inquiry.route_revision_id).definition
    return route, [t for t in route.outgoing(inquiry.step) if accept(t)]


def first_passing(transitions: list[TransitionDef], context: dict) -> TransitionDef | None:
    return next((t for t in transitions if rules.holds(rules.normalise(t.guard), context)), None)


def move_along(session: Session, actor: Actor, inquiry: Inquiry, route: RouteDefinition, chosen: TransitionDef,
               context: dict, *, text: str = "", cause: dict) -> inquiry_actions.Moved:
    """Move, with `cause` ({"event": …} or {"rule": …}) added to the logged event's data."""
    inquiry_id, old_queue = saved_id(inquiry), inquiry.queue_id
    changes, kind, text, data = inquiry_actions.along(session, actor, inquiry, route, chosen, context, text)
    data |= cause
    inquiry_actions.write(session, actor, inquiry, changes)
    inquiry_log.record(session, inquiry_id, actor, kind, text=text, data=data)
    new_queue = changes.get("queue_id", old_queue)
    live.announce(session, new_queue)
    if new_queue != old_queue:
        live.announce(session, old_queue)
    automation.fire(session, actor, inquiry_id, kind, data)
    return inquiry_actions.moved(session, inquiry_id)
