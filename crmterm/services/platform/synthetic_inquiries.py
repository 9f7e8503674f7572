"""Synthetic inquiries in bulk for sizing and benchmarks: one contact each, spread over the past year, on the
configured topics and their routes' first-step queues; most closed, the rest waiting or taken, each with its
`created` event. Needs the configuration (topics, queues, routes) loaded first, e.g. `crmterm seed demo`."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import func, text
from sqlalchemy import select as select_rows  # rows read by name (sqlmodel.select types them as bare tuples)
from sqlmodel import Session, col, select

from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.platform import synthetic_churn
from crmterm.services.routing import routing
from crmterm.services.sla import sla
from crmterm.store import NO_DEADLINE, Channel, Party, Place, Priority, SalesOrderType, Topic, User, utcnow
from crmterm.store.bulk import bulk_insert
from crmterm.workflow import engine
from crmterm.workflow import sla as sla_clock
from crmterm.workflow.routes import StepDef

BATCH = 5_000
STATES = (("closed", 0.70), ("waiting", 0.22), ("taken", 0.05), ("in_progress", 0.03))


class _Plan:
    """What every synthetic row is drawn from: topics with their route revision, step and queue."""

    def __init__(self, session: Session, actor: Actor, rng: random.Random, churn_seed: int | None = None) -> None:
        self.rng = rng
        topics = session.execute(select_rows(col(Topic.id), col(Topic.code), col(Topic.inquiry_type),
                                             col(Topic.default_priority_id))
                                 .where(col(Topic.is_group).is_(False), col(Topic.active).is_(True),
                                        # orders' topics: their inquiries come with an order (sales/orders)
                                        col(Topic.code).not_in(select_rows(col(SalesOrderType.topic))))).all()
        if not topics:
            raise ValidationError("inquiries", _("no topics configured: run `crmterm seed demo` first"))
        self.routes: dict[int, tuple[int, list[tuple[StepDef, list[int]]]]] = {}
        self.paths: dict[int, list[str]] = {}
        self.sla = sla.book(session)
        for topic in topics:
            path = self.paths[topic.id] = [row.code for row in routing.topic_path(session, topic.code)]
            route = routing.route_for_topic(session, path)
            if route is not None:
                rev = routing.current_revision(session, route)
                steps = []
                for step in (s for s in rev.definition.steps if not s.final):
                    codes = [choice.queue for choice in step.queue_rules()]
                    ids = routing.queue_ids(session, codes)
                    steps.append((step, [ids[c] for c in codes if c in ids]))
                self.routes[topic.id] = (rev.id, steps)
        self.topics = [t for t in topics if t.id in self.routes] or list(topics)
        self.priorities = dict(session.exec(select(Priority.id, Priority.rank)).all())
        self.priority_codes = dict(session.exec(select(Priority.id, Priority.code)).all())
        self.parties = session.exec(select(func.max(Party.id))).one() or 0
        self.users = session.exec(select(User.id).where(col(User.role_code).in_(["agent", "supervisor"]))).all()
        self.places = session.exec(select(Place.id)).all() or [None]
        self.channels = session.exec(select(Channel.id)).all() or [None]
        # the hidden churn process (synthetic_churn): who asks, and how often to complain, follows a mood
        self.picker = synthetic_churn.PartyPicker(churn_seed, self.parties) if churn_seed is not None else None
        self.complaints = [t for t in self.topics if t.inquiry_type == "complaint"]
        self.others = [t for t in self.topics if t.inquiry_type != "complaint"] or self.topics

    def by_mood(self, picker: synthetic_churn.PartyPicker) -> tuple[int | None, Any]:
        party = picker.pick(self.rng)
        complain = self.complaints and self.rng.random() < synthetic_churn.complaint_share(picker.mood(party))
        return party, self.rng.choice(self.complaints if complain else self.others)

    def state(self) -> str:
        roll, total = self.rng.random(), 0.0
        for state, share in STATES:
            total += share
            if roll < total:
                return state
        return "closed"


def generate(*, session: Session, actor: Actor, inquiries: int, seed: int = 1,
             progress: Callable[[int], None] | None = None, churn: bool = False) -> int:
    """`churn`: customers are drawn by the hidden churn process's mood (synthetic_churn), not evenly."""
    require(actor, Permission.CUSTOMERS_IMPORT)
    plan = _Plan(session, actor, random.Random(seed), seed if churn else None)
    contact_id = _next_id(session, "contact")
    inquiry_id = _next_id(session, "inquiry")
    made = 0
    while made < inquiries:
        size = min(BATCH, inquiries - made)
        contacts, rows, events = [], [], []
        for offset in range(size):
            contact, inquiry, event = _one(plan, contact_id + offset, inquiry_id + offset, actor)
            contacts.append(contact)
            rows.append(inquiry)
            events.append(event)
        bulk_insert(session, "contact", contacts)
        bulk_insert(session, "inquiry", rows)
        bulk_insert(session, "inquiry_event", events)
        contact_id, inquiry_id, made = contact_id + size, inquiry_id + size, made + size
        if progress:
            progress(size)
    _fix_sequences(session)
    return made


def _next_id(session: Session, table: str) -> int:
    return (session.execute(text(f"SELECT MAX(id) FROM {table}")).scalar() or 0) + 1


def _one(plan: _Plan, contact_id: int, inquiry_id: int, actor: Actor) -> tuple[dict, dict, dict]:
    rng, now = plan.rng, utcnow()
    if plan.picker is None:  # evenly, in the order of draws that keeps older seeds' data the same
        topic = rng.choice(plan.topics)
        at = now - timedelta(seconds=rng.randint(60, 365 * 86_400))
        party = rng.randint(1, plan.parties) if plan.parties else None
    else:
        party, topic = plan.by_mood(plan.picker)
        at = now - timedelta(seconds=rng.randint(60, 365 * 86_400))
    priority = topic.default_priority_id or rng.choice(list(plan.priorities) or [None])
    revision, steps = plan.routes.get(topic.id, (None, []))
    # First steps twice as often as later ones; mostly the step's fallback queue (its last rule), sometimes
    # one of its ruled queues (VIP lines, …).
    step, queues = rng.choice(steps[:1] * len(steps) + steps) if steps else (None, [])
    queue_id = (queues[-1] if rng.random() < 0.9 else rng.choice(queues)) if queues else None
    state = plan.state() if queue_id else "closed"
    assignee = rng.choice(plan.users) if state in engine.ASSIGNED and plan.users else None
    contact = {"id": contact_id, "at": at, "operator_id": rng.choice(plan.users) if plan.users else None,
               "place_id": rng.choice(plan.places), "direction": "in", "channel_id": rng.choice(plan.channels),
               "party_id": party, "caller": "", "text": ""}
    inquiry = {"id": inquiry_id, "contact_id": contact_id, "party_id": party, "topic_id": topic.id,
               "type": topic.inquiry_type, "priority_id": priority, "state": state, "assignee_id": assignee,
               "text": "", "closed_at": at + timedelta(hours=rng.randint(0, 72)) if state == "closed" else None,
               "priority_rank": plan.priorities.get(priority, 100), "route_revision_id": revision,
               "step": step.code if step else None, "queue_id": queue_id,
               **_clocks(plan, topic.id, priority, step, at), "resolution": "",
               "version": 1, "created_at": at, "updated_at": at, "updated_by": actor.login}
    event = {"inquiry_id": inquiry_id, "at": at, "actor": actor.login, "kind": "created",
             "contact_id": contact_id, "text": "", "data": {}}
    return contact, inquiry, event


def _clocks(plan: _Plan, topic_id: int, priority_id: int | None, step, at) -> dict:
    """As if routed into the step at `at` (the SLA columns routing would write)."""
    if step is None:
        return {"due_at": NO_DEADLINE, "react_due_at": None, "queued_at": None, "sla_started_at": None,
                "sla_paused_at": None}
    clock = sla_clock.restart(at, step)
    found = plan.sla.deadlines(clock, plan.paths[topic_id], plan.priority_codes.get(priority_id), step)
    return {"due_at": found.due_at or NO_DEADLINE, "react_due_at": found.react_due_at, "queued_at": at,
            "sla_started_at": at, "sla_paused_at": clock.paused_at}


def _fix_sequences(session: Session) -> None:
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in ("contact", "inquiry"):
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"GREATEST((SELECT MAX(id) FROM {table}), 1))"))
