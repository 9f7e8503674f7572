"""Which route serves a topic, the revision an inquiry runs on, the rule context of a stored inquiry, and
routing a new inquiry into the queue of its route's first step."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select as select_rows  # rows read by name (sqlmodel.select types them as bare tuples)
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from crmterm.services.accounts.permissions import Actor
from crmterm.services.billing import accounts as billing_accounts
from crmterm.services.routing import coverage_port, live, routing_ports
from crmterm.services.topics.attribute_forms import topic_path  # noqa: F401 - used by callers too
from crmterm.services.topics.attribute_values import parse, to_cel
from crmterm.store import (
    AttributeDef,
    Channel,
    ClientCategory,
    Contact,
    Inquiry,
    InquiryValue,
    Party,
    Place,
    Priority,
    Queue,
    Route,
    RouteRevision,
    StepSkill,
    Topic,
    churn,
    config_cache,
    utcnow,
)
from crmterm.store.tables import saved_id
from crmterm.workflow import engine
from crmterm.workflow.engine import State
from crmterm.workflow.routes import RouteDefinition, StepDef
from crmterm.workflow.rules import Deferred

_DEFINITIONS: dict[str, RouteDefinition] = {}  # by digest: content-addressed, so safe across databases


@dataclass(frozen=True)
class Revision:
    id: int
    route: str
    revision: int
    definition: RouteDefinition


def route_for_topic(session: Session, path: list[str]) -> Route | None:
    """The active route listing the topic itself or its nearest group (`path` runs root → topic). Reads the
    small (id, topics) columns of every route, then the one route that serves."""
    serving = {topic: route_id for route_id, topics in session.exec(
        select(Route.id, Route.topics).where(col(Route.active).is_(True))) for topic in topics}
    route_id = next((serving[code] for code in reversed(path) if code in serving), None)
    return session.get(Route, route_id) if route_id is not None else None


_PARSED: dict[tuple, tuple[str, RouteDefinition]] = {}  # (id, version, updated_at) -> (digest, definition)


def _parsed(route: Route) -> tuple[str, RouteDefinition]:
    """Parsing and hashing a route costs more than routing with it: done once per edit of the route."""
    key = (route.id, route.version, route.updated_at, route.code)
    if key not in _PARSED:
        definition = RouteDefinition.model_validate({"steps": route.steps, "transitions": route.transitions})
        _PARSED[key] = (definition.digest(), definition)
    return _PARSED[key]


def current_revision(session: Session, route: Route) -> Revision:
    """The revision of the route as it is now; created (once per distinct definition) on first use."""
    digest, definition = _parsed(route)
    _DEFINITIONS.setdefault(digest, definition)
    route_id = saved_id(route)
    found = _revision_row(session, route_id, digest) or _new_revision(session, route_id, digest, definition)
    return Revision(saved_id(found), route.code, found.revision, definition)


def _revision_row(session: Session, route_id: int, digest: str) -> RouteRevision | None:
    return session.exec(_revision_query(route_id, digest)).first()


def _revision_query(route_id: int, digest: str) -> SelectOfScalar[RouteRevision]:
    return select(RouteRevision).where(RouteRevision.route_id == route_id, RouteRevision.digest == digest)


def _new_revision(session: Session, route_id: int, digest: str, definition: RouteDefinition) -> RouteRevision:
    number = (session.exec(select(func.max(col(RouteRevision.revision)))
                           .where(RouteRevision.route_id == route_id)).one() or 0) + 1
    try:
        with session.begin_nested():  # a concurrent first use of the same definition wins the race
            row = RouteRevision(route_id=route_id, revision=number, digest=digest, definition=definition.canonical())
            session.add(row)
            session.flush()
            # The steps' required skills as rows take-next joins (store/skills.py says why)
            session.add_all(StepSkill(revision_id=saved_id(row), step=step.code, skill=code, min_level=level)
                            for step in definition.steps for code, level in step.skills.items())
    except IntegrityError:
        pass
    return session.exec(_revision_query(route_id, digest)).one()  # ours or the winner's: there is one now


def revision(session: Session, revision_id: int) -> Revision:
    row, code = session.exec(select(RouteRevision, Route.code).join(Route, col(Route.id) == RouteRevision.route_id)
                             .where(RouteRevision.id == revision_id)).one()
    definition = _DEFINITIONS.get(row.digest)
    if definition is None:
        definition = _DEFINITIONS.setdefault(row.digest, RouteDefinition.model_validate(row.definition))
    return Revision(saved_id(row), code, row.revision, definition)


def current_step(session: Session, inquiry: Inquiry) -> StepDef | None:
    if inquiry.route_revision_id is None:
        return None
    return revision(session, inquiry.route_revision_id).definition.step(inquiry.step)


def queue_ids(session: Session, codes: list[str]) -> dict[str, int]:
    return dict(session.execute(select_rows(col(Queue.code), col(Queue.id)).where(col(Queue.code).in_(codes))).all())


def priority_rank(session: Session, priority_id: int | None) -> int:
    if priority_id is None:
        return 100
    return config_cache.cached(session, ("priority_rank", priority_id), lambda: session.exec(
        select(Priority.rank).where(Priority.id == priority_id)).first() or 100)


def _serving_revision(session: Session, path: list[str]) -> Revision | None:
    """The current revision of the route serving `path`, once per configuration state (a new inquiry's hot
    path; store/config_cache)."""
    def load() -> Revision | None:
        route = route_for_topic(session, path)
        return current_revision(session, route) if route is not None else None
    return config_cache.cached(session, ("serving_revision", tuple(path)), load)


def _queue_id(session: Session, code: str) -> int | None:
    return config_cache.cached(session, ("queue_id", code), lambda: queue_ids(session, [code]).get(code))


@dataclass(frozen=True)
class Placement:
    """Where a new inquiry went: its route's first step and the queue chosen (None: no such queue)."""
    route: str
    revision: int
    step: str
    queue: str | None
    queue_id: int | None


def place_new(session: Session, inquiry: Inquiry, path: list[str], context: dict) -> Placement | None:
    """Set a new inquiry's route, step, queue and deadlines — before it is first written, so registration
    inserts it routed in one statement; None without a route (it stays registered). `log_placement` then
    records where it went, once the inquiry has its id."""
    rev = _serving_revision(session, path)
    if rev is None:
        return None
    step = rev.definition.first
    queue = engine.choose_queue(step, context)
    queue_id = _queue_id(session, queue) if queue else None
    if queue_id is not None:
        inquiry.route_revision_id, inquiry.step, inquiry.queue_id = rev.id, step.code, queue_id
        inquiry.state = State.WAITING
        for column, value in routing_ports.deadlines_on_route(session, inquiry, step, path, utcnow()).items():
            setattr(inquiry, column, value)
    return Placement(rev.route, rev.revision, step.code, queue, queue_id)


def log_placement(session: Session, actor: Actor, inquiry_id: int, placement: Placement | None) -> None:
    if placement is None:
        return
    if placement.queue_id is None:
        routing_ports.record_event(session, inquiry_id, actor, "unrouted",
                                   data={"route": placement.route, "step": placement.step})
        return
    routing_ports.record_event(session, inquiry_id, actor, "routed", data={
        "route": placement.route, "revision": placement.revision, "step": placement.step, "queue": placement.queue})
    live.announce(session, placement.queue_id)


def route_new(session: Session, actor: Actor, inquiry: Inquiry, path: list[str], context: dict) -> None:
    """Put a just-registered inquiry into its first step's queue; without a route it stays registered."""
    placement = place_new(session, inquiry, path, context)
    if placement is not None and placement.queue_id is not None:
        session.add(inquiry)
    log_placement(session, actor, saved_id(inquiry), placement)


def context_of(session: Session, inquiry: Inquiry, actor: Actor | None = None) -> dict:
    """The rule context of DESIGN.md §6 for a stored inquiry (three small queries)."""
    path = [row.code for row in topic_path(session, _topic_code(session, inquiry.topic_id))]
    contact = session.exec(select(Place.code, Channel.code, Contact.direction, ClientCategory.code)
                           .select_from(Contact).outerjoin(Place, col(Place.id) == Contact.place_id)
                           .outerjoin(Channel, col(Channel.id) == Contact.channel_id)
                           .outerjoin(ClientCategory, col(ClientCategory.id) == Contact.client_category_id)
                           .where(Contact.id == inquiry.contact_id)).first()
    category = contact[3] if contact else None  # as at registration: the contact's category, else the customer's
    if category is None and inquiry.party_id is not None:
        category = session.exec(select(ClientCategory.code).join(Party, col(Party.category_id) == ClientCategory.id)
                                .where(Party.id == inquiry.party_id)).first()
    priority = session.exec(select(Priority.code).where(Priority.id == inquiry.priority_id)).first() \
        if inquiry.priority_id else None
    return {"inquiry": {"id": inquiry.id, "topic": path[-1], "topics": path, "type": inquiry.type,
                        "priority": priority or "", "step": inquiry.step or "",
                        "attrs": typed_values(session, saved_id(inquiry))},
            "customer": {"id": inquiry.party_id or 0, "category": category or "",
                         **billing_accounts.rule_fields(session, inquiry.party_id),
                         **coverage_port.rule_fields(session, inquiry.party_id, path),
                         "churn_risk": churn_risk_field(session, inquiry.party_id)},
            "contact": {"place": contact[0] or "", "channel": contact[1] or "", "direction": contact[2]}
            if contact else {},
            "operator": {"login": actor.login, "role": str(actor.role)} if actor else {}, "now": utcnow()}


def churn_risk_field(session: Session, party_id: int | None) -> Deferred:
    """`customer.churn_risk`: the latest churn score, 0–1 (services/retention), read only when a rule mentions
    it; missing for a customer never scored (a rule reading it then counts as false)."""
    return Deferred(lambda: churn.churn_risk(session, party_id))


def typed_values(session: Session, inquiry_id: int) -> dict:
    rows = session.exec(select(AttributeDef.code, AttributeDef.type, InquiryValue.value)
                        .join(AttributeDef, col(AttributeDef.id) == InquiryValue.attribute_id)
                        .where(InquiryValue.inquiry_id == inquiry_id)).all()
    values = {}
    for code, kind, text in rows:
        try:
            values[code] = to_cel(parse(kind, text))
        except ValueError:
            values[code] = text
    return values


def _topic_code(session: Session, topic_id: int) -> str:
    return session.exec(select(Topic.code).where(Topic.id == topic_id)).one()
