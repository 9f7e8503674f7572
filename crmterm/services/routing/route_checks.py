"""Checks of a route document beyond its structure: every queue, attribute, priority, mailing list, topic
and business function it names must exist. Runs through `ref_exists`, so config import validates a route
against the file being imported as well as the database."""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import Session, select

from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.directory.validation import RefExists
from crmterm.services.routing import routing_ports, skill_rules
from crmterm.store import Route
from crmterm.workflow import rules
from crmterm.workflow.routes import RouteDefinition, RouteProblem, parse


def problems(document: dict, ref_exists: RefExists) -> list[RouteProblem]:
    """Every problem of a route document, each with its position (step or transition, field, column)."""
    return _checked(document, ref_exists)[1]


def _checked(document: dict, ref_exists: RefExists) -> tuple[RouteDefinition | None, list[RouteProblem]]:
    """The parsed route (None when it does not parse) and every problem of the document."""
    route, found = parse(document.get("steps"), document.get("transitions"))
    if route is None:
        return None, found
    return route, found + _reference_problems(route, ref_exists)


def refine_route(document: dict, ref_exists: RefExists) -> dict:
    route, found = _checked(document, ref_exists)
    if route is None or found:  # a route that does not parse always has a problem to show
        first = found[0]
        more = _(" (and {n} more)").format(n=len(found) - 1) if len(found) > 1 else ""
        raise ValidationError("steps" if first.where.startswith("steps") else "transitions",
                              f"{first}{more}")
    return {**document, **route.canonical()}


def _reference_problems(route: RouteDefinition, ref_exists: RefExists) -> list[RouteProblem]:
    found: list[RouteProblem] = []

    def need(where: str, kind: str, code: Any, what: str) -> None:
        if not ref_exists(kind, str(code)):
            found.append(RouteProblem(where, _("unknown {what} '{code}'").format(what=what, code=code)))

    def attribute_known(owner: str, code: str) -> bool:
        return ref_exists("attributes" if owner == "inquiry" else "customer_attributes", code)

    for index, step in enumerate(route.steps):
        where = f"steps[{index + 1}] {step.code}"
        for choice in step.queue_rules():
            need(where, "queues", choice.queue, _("queue"))
            found += _rule_problems(f"{where}: when", choice.when, attribute_known)
        for code in [*(step.show or []), *(c for c in step.edit if c != "*")]:
            need(where, "attributes", code, _("attribute"))
        if step.calendar:
            need(where, "calendars", step.calendar, _("calendar"))
        skills = skill_rules.requirement_problem(step.skills, ref_exists)
        if skills:
            found.append(RouteProblem(f"{where}: skills", skills))
    for index, transition in enumerate(route.transitions):
        where = f"transitions[{index + 1}] {transition.code}"
        found += _rule_problems(f"{where}: guard", transition.guard, attribute_known)
        found += _event_problems(where, transition)
        for action in transition.actions:
            kind = action.kind()
            if kind == "priority":
                need(where, "priorities", action.priority, _("priority"))
            elif kind == "set" and action.set is not None:
                for code in action.set:
                    need(where, "attributes", code, _("attribute"))
            elif kind == "notify":
                need(where, "mailing_lists", action.notify, _("mailing list"))
            elif kind == "child":
                need(where, "topics", action.child, _("topic"))
            elif kind == "function" and action.function not in routing_ports.function_names():
                found.append(RouteProblem(where, _("no business function '{name}' is installed").format(
                    name=action.function)))
    return found


_EVENT_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")


def _event_problems(where: str, transition) -> list[RouteProblem]:
    """An event name a system can send; a guard reading `event` only where an event moves the inquiry."""
    if transition.on_event is not None and not _EVENT_NAME.match(transition.on_event):
        return [RouteProblem(f"{where}: on_event", _("use Latin letters, digits, '_', '-' or '.', starting with "
                                                     "a letter"))]
    if transition.on_event is None and rules.reads(rules.normalise(transition.guard), "event"):
        return [RouteProblem(f"{where}: guard", _("reads the event, but no event moves along this transition "
                                                  "(add on_event)"))]
    return []


def _rule_problems(where: str, expression: str, attribute_known) -> list[RouteProblem]:
    return [RouteProblem(where, str(p)) for p in rules.problems(rules.normalise(expression), attribute_known)
            if "unknown attribute" in p.message]  # syntax was checked with the structure


def check_route(session: Session, document: dict, before: dict | None) -> None:
    """A topic is served by one route: another route listing it (or listing it first) is an error."""
    own = before["code"] if before else document["code"]
    for code, topics in session.exec(select(Route.code, Route.topics).where(Route.code != own)).all():
        shared = sorted(set(topics) & set(document["topics"]))
        if shared:
            raise ValidationError("topics", _("topic '{topic}' is already served by route '{route}'").format(
                topic=shared[0], route=code))


def queue_in_use(session: Session, row) -> str | None:
    from crmterm.store import Inquiry

    if session.exec(select(Inquiry.id).where(Inquiry.queue_id == row.id).limit(1)).first():
        return _("inquiries are in it")
    for code, steps in session.exec(select(Route.code, Route.steps)).all():
        if any(row.code in (s.get("queue"), *(q.get("queue") for q in s.get("queues") or [])) for s in steps):
            return _("route '{route}' uses it").format(route=code)
    from crmterm.store import EscalationRule

    escalation = session.exec(select(EscalationRule.code).where(EscalationRule.queue_id == row.id).limit(1)).first()
    if escalation is not None:
        return _("escalation rule '{code}' moves inquiries to it").format(code=escalation)
    return None
