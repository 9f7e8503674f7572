"""Routes for admins and scripts: validate a route file with file and line of each problem; show a route with
its text diagram and the revisions inquiries run on."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from crmterm.errors import NotFound
from crmterm.i18n import _, pick
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.directory import yaml_lines
from crmterm.services.directory.directory import code_exists_fn
from crmterm.services.routing import route_checks
from crmterm.store import Inquiry, Route, RouteRevision
from crmterm.workflow.engine import OPEN
from crmterm.workflow.routes import RouteDefinition, diagram

_POSITION = re.compile(r"^(steps|transitions)\[(\d+)\]")


class RouteIssue(BaseModel):
    file: str
    line: int
    route: str
    message: str


class RevisionRead(BaseModel):
    revision: int
    created_at: datetime
    open_inquiries: int


class RouteShow(BaseModel):
    code: str
    label: str
    active: bool
    topics: list[str]
    steps: list[dict]
    transitions: list[dict]
    diagram: list[str]
    current_revision: int | None  # None: not used by any inquiry yet
    revisions: list[RevisionRead]


def validate_file(*, session: Session, actor: Actor, path: str) -> list[RouteIssue]:
    """Every route in the file (a config document's `routes:`, a list of routes, or one route) checked;
    references may point at the database or at entries defined in the same file."""
    require(actor, Permission.DIRECTORY_READ)
    document = yaml_lines.load(Path(path))
    entries = _routes_in(document)
    defined = _codes_in(document)
    in_database = code_exists_fn(session)

    def ref_exists(kind: str, code: str) -> bool:
        return code in defined.get(kind, set()) or in_database(kind, code)

    issues = []
    for entry in entries:
        name = str(entry.get("code", "?"))
        for problem in route_checks.problems(entry, ref_exists):
            issues.append(RouteIssue(file=path, line=_line(entry, problem.where), route=name, message=str(problem)))
    return issues


def _routes_in(document) -> list:
    if isinstance(document, dict) and "steps" in document:
        return [document]
    if isinstance(document, dict):
        return list(document.get("routes") or [])
    return list(document or [])


def _codes_in(document) -> dict[str, set[str]]:
    if not isinstance(document, dict) or "steps" in document:
        return {}
    return {section: {str(e.get("code") or e.get("login")) for e in body if isinstance(e, dict)}
            for section, body in document.items() if isinstance(body, list)}


def _line(entry, where: str) -> int:
    match = _POSITION.match(where)
    if match:
        items = entry.get(match.group(1)) or []
        index = int(match.group(2)) - 1
        if 0 <= index < len(items) and hasattr(items[index], "line"):
            return items[index].line
    return getattr(entry, "line", 0)


def show_route(*, session: Session, actor: Actor, code: str) -> RouteShow:
    require(actor, Permission.DIRECTORY_READ)
    route = session.exec(select(Route).where(Route.code == code)).first()
    if route is None:
        raise NotFound(_("Route"), code)
    definition = RouteDefinition.model_validate({"steps": route.steps, "transitions": route.transitions})
    digest = definition.digest()
    rows = session.exec(select(RouteRevision).where(RouteRevision.route_id == route.id)
                        .order_by(col(RouteRevision.revision))).all()
    open_counts = dict(session.exec(
        select(Inquiry.route_revision_id, func.count()).where(
            col(Inquiry.route_revision_id).in_([r.id for r in rows]), col(Inquiry.state).in_(sorted(OPEN)))
        .group_by(col(Inquiry.route_revision_id))).all()) if rows else {}
    return RouteShow(
        code=route.code, label=pick(route.labels, route.code), active=route.active, topics=route.topics,
        steps=route.steps, transitions=route.transitions, diagram=diagram(definition),
        current_revision=next((r.revision for r in rows if r.digest == digest), None),
        revisions=[RevisionRead(revision=r.revision, created_at=r.created_at, open_inquiries=open_counts.get(r.id, 0))
                   for r in rows])
