"""Dunning cases: a customer's open inquiry of the dunning topic — at most one each, so the scan starts the
process once however often it runs — and the events that move it along its route (the route names them in
`on_event`: dunning.reminded, dunning.promised, dunning.promise_broken, dunning.paid). The scan and promises
share this; neither imports the other's module."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from crmterm.errors import ConfigError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.inquiries import external_events, inquiry_actions
from crmterm.services.routing import routing
from crmterm.store import Inquiry, Receivable, Topic, WorkTask, utcnow
from crmterm.workflow.engine import OPEN

DUNNING_TOPIC = "dunning"
# Registers the dunning inquiries and escalates broken promises: the system acting after the caller's check
# (collections.manage for the scan, collections.work for a promise), as orders.ORDERS does for orders.
COLLECTIONS = Actor(login="collections", role=Role.SUPERVISOR, display_name="Collections")
REMINDED, PROMISED, BROKEN, PAID = "dunning.reminded", "dunning.promised", "dunning.promise_broken", "dunning.paid"


def topic_id(session: Session) -> int:
    found = session.exec(select(Topic.id).where(Topic.code == DUNNING_TOPIC)).first()
    if found is None:
        raise ConfigError(_("the topic '{code}' of the dunning process is not configured (see "
                            "data/seed/demo_collections.yaml)").format(code=DUNNING_TOPIC))
    return found


def open_cases(session: Session, party_ids: list[int] | None = None) -> dict[int, int]:
    """party id → its open dunning inquiry (the oldest, should there be two)."""
    query = (select(Inquiry.party_id, func.min(col(Inquiry.id)))
             .where(Inquiry.topic_id == topic_id(session), col(Inquiry.state).in_(list(OPEN)))
             .group_by(col(Inquiry.party_id)))
    if party_ids is not None:
        query = query.where(col(Inquiry.party_id).in_(party_ids))
    return {party: inquiry for party, inquiry in session.exec(query).all()
            if party is not None and inquiry is not None}


def paid_total(session: Session, party_id: int) -> Decimal:
    """What the customer has paid on all their receivables, as billing last reported it."""
    found = session.exec(select(func.coalesce(func.sum(col(Receivable.paid)), 0))
                         .where(Receivable.party_id == party_id)).one()
    return Decimal(str(found))


def waits_for(session: Session, inquiry_id: int, event: str) -> bool:
    """Whether the open case's current step has a transition that `event` takes."""
    inquiry = session.get(Inquiry, inquiry_id)
    if inquiry is None or inquiry.state not in OPEN or inquiry.route_revision_id is None:
        return False
    route = routing.revision(session, inquiry.route_revision_id).definition
    return any(t.on_event == event for t in route.outgoing(inquiry.step))


def push(session: Session, inquiry_id: int, event: str, data: dict[str, Any]) -> bool:
    """Move the case along the transition waiting for `event` from its step; True when it moved. A case no
    transition of its step waits for is left alone (a scan a day must not fill its timeline with the event)."""
    if not waits_for(session, inquiry_id, event):
        return False
    return external_events.push(session=session, actor=COLLECTIONS, inquiry_id=inquiry_id, name=event,
                                data=data).moved


def finish_call_tasks(session: Session, inquiry_id: int) -> int:
    """The case's open call tasks are done once the call led somewhere (a promise, a payment): they leave the
    agents' My work. Returns how many."""
    rows = session.exec(select(WorkTask).where(WorkTask.inquiry_id == inquiry_id, WorkTask.state == "open",
                                               WorkTask.created_by == COLLECTIONS.login)).all()
    for row in rows:
        row.state, row.done_at, row.updated_by = "done", utcnow(), COLLECTIONS.login
        session.add(row)
    return len(rows)


def raise_priority(session: Session, inquiry_id: int, text: str) -> None:
    """High priority for a case whose step has no transition for the event (a person moved it elsewhere)."""
    inquiry = session.get(Inquiry, inquiry_id)
    if inquiry is not None and inquiry.state in OPEN:
        inquiry_actions.set_priority(session=session, actor=COLLECTIONS, inquiry_id=inquiry_id, priority="high",
                                     text=text)
