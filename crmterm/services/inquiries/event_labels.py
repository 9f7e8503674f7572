"""The names, in the user's language, of the codes an inquiry's events hold (route, step, queue, priority),
so the timeline reads "routed Complaint · First line" rather than "routed complaint · first_line". The events
keep their codes (scripts and the JSON output rely on them); the names are looked up when the inquiry is read,
with three small queries whatever the number of events."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from crmterm.i18n import current_language, pick
from crmterm.store import Priority, Queue, Route, Script
from crmterm.workflow import scripts
from crmterm.workflow.routes import RouteDefinition

_STEP_KEYS = ("step", "from", "to")  # a step code in these keys of a route's events
_STEP_EVENTS = frozenset({"routed", "unrouted", "moved", "closed", "returned", "reopened"})
_QUEUE_EVENTS = frozenset({"transferred"})  # `to` is a queue
_PRIORITY_EVENTS = frozenset({"priority_changed"})  # `to` is a priority


def event_labels(session: Session, events: list[Any], route: RouteDefinition | None) -> list[dict[str, str]]:
    """For each event, its data key → the name of the code under it (only where a name was found)."""
    routes = _names(session, Route, _codes(events, lambda kind: kind in ("routed", "unrouted"), ("route",)))
    queues = _names(session, Queue, _codes(events, lambda kind: kind == "routed", ("queue",))
                    | _codes(events, lambda kind: kind in _QUEUE_EVENTS, ("to",)))
    priorities = _names(session, Priority, _codes(events, lambda kind: kind in _PRIORITY_EVENTS, ("to",)))
    named = [_one(event.kind, event.data or {}, route, routes, queues, priorities) for event in events]
    for event, labels in zip(events, named):
        if event.kind == "script" and (event.data or {}).get("steps"):
            labels["steps"] = _script_path(session, event.data)
    return named


def _script_path(session: Session, data: dict) -> str:
    """The steps a script run passed, by their titles in the version that ran (ids if it is gone)."""
    document = session.exec(select(Script.document).where(Script.code == data.get("script"),
                                                          Script.number == data.get("number"))).first()
    try:
        parsed = scripts.parse(document) if document else None
    except scripts.DocumentError:
        parsed = None
    return " › ".join(scripts.path_titles(parsed, [str(step) for step in data["steps"]], current_language()))


def _one(kind: str, data: dict, route: RouteDefinition | None, routes: dict, queues: dict,
         priorities: dict) -> dict[str, str]:
    found: dict[str, str] = {}
    if kind in _STEP_EVENTS and route is not None:
        for key in _STEP_KEYS:
            step = route.step(data[key]) if isinstance(data.get(key), str) else None
            if step is not None:
                found[key] = step.label()
    named = {"route": routes, "queue": queues}
    named["to"] = queues if kind in _QUEUE_EVENTS else priorities if kind in _PRIORITY_EVENTS else {}
    for key, names in named.items():
        if data.get(key) in names:
            found[key] = names[data[key]]
    return found


def _codes(events: list[Any], wanted, keys: tuple[str, ...]) -> set[str]:
    return {str(event.data[key]) for event in events if wanted(event.kind) and event.data
            for key in keys if event.data.get(key)}


def _names(session: Session, table, codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    return {code: pick(labels, code) for code, labels in
            session.exec(select(table.code, table.labels).where(table.code.in_(codes))).all()}
