"""The `notify` action of a route transition: tell a mailing list that an inquiry moved, with what the
templates need (labels in every language, so each recipient reads them in their own)."""

from __future__ import annotations

from sqlmodel import Session, select

from crmterm.services.accounts.permissions import Actor
from crmterm.services.routing import routing
from crmterm.services.sla import notifications
from crmterm.store import Inquiry, Party, Priority, Topic
from crmterm.workflow.routes import ActionDef, RouteDefinition, TransitionDef

EVENT = "inquiry_transition"


def notify_list(session: Session, actor: Actor, inquiry: Inquiry, actions: list[ActionDef],
                action: ActionDef) -> list[int]:
    """Enqueue the notice for `action.notify`; keyed by the inquiry's version, so one move notifies once."""
    route = _route_of(session, inquiry)
    transition = _transition_of(route, inquiry, actions)
    data = {"inquiry_id": inquiry.id, "actor": actor.display_name or actor.login, "mailing_list": action.notify,
            "topic": _labels(session, Topic, inquiry.topic_id), "priority": _labels(session, Priority,
                                                                                   inquiry.priority_id),
            "customer": _customer(session, inquiry.party_id)}
    if route is not None and transition is not None:
        data |= {"transition": transition.labels or {"en": transition.code},
                 "from_step": _step_labels(route, transition.source),
                 "to_step": _step_labels(route, transition.target)}
    key = f"inquiry:{inquiry.id}:v{inquiry.version}:{transition.code if transition else '?'}:list:{action.notify}"
    return notifications.notify(session=session, event=EVENT, recipients=[f"list:{action.notify}"], data=data,
                                key=key, inquiry_id=inquiry.id)


def _route_of(session: Session, inquiry: Inquiry) -> RouteDefinition | None:
    if inquiry.route_revision_id is None:
        return None
    return routing.revision(session, inquiry.route_revision_id).definition


def _transition_of(route: RouteDefinition | None, inquiry: Inquiry, actions: list[ActionDef]
                   ) -> TransitionDef | None:
    """The transition being run: the one whose action list this is (route definitions are shared objects)."""
    if route is None:
        return None
    return next((t for t in route.outgoing(inquiry.step) if t.actions is actions), None)


def _step_labels(route, code: str) -> dict:
    step = route.step(code)
    return (step.labels or {"en": step.code}) if step else {"en": code}


def _labels(session: Session, table, row_id: int | None) -> dict | None:
    if row_id is None:
        return None
    found = session.exec(select(table.labels, table.code).where(table.id == row_id)).first()
    return (found[0] or {"en": found[1]}) if found else None


def _customer(session: Session, party_id: int | None) -> str | None:
    if party_id is None:
        return None
    return session.exec(select(Party.display_name).where(Party.id == party_id)).first()
