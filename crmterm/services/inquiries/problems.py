"""System problems (mass incidents): supervisors and admins open, change and close them, everyone may read
them, and registration shows the active ones that concern the caller (services/inquiries/problem_links). Closing a
problem together with its linked inquiries is services/inquiries/problem_close. The caller owns the transaction."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, update
from sqlmodel import Session, col, select

from crmterm.errors import Conflict, NotFound, ValidationError, refuse_control, refuse_nul
from crmterm.i18n import _, fmt_datetime, pick
from crmterm.moments import typed_moment
from crmterm.services import integrations
from crmterm.services.accounts import audit
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.topics.attribute_forms import topic_path
from crmterm.store import Dictionary, DictionaryItem, ProblemInquiry, SystemProblem, Topic, utcnow
from crmterm.store.problems import PROBLEM_STATES
from crmterm.store.tables import rowcount, saved_id

# The directory lists a problem's service and region come from (when they are configured, codes are checked).
SERVICES, REGIONS = "services", "regions"


class ProblemDraft(BaseModel):
    """What a supervisor types when opening or changing a problem. Empty service / region / topic: all."""

    model_config = ConfigDict(extra="forbid")
    title: str
    service: str | None = None
    region: str | None = None
    topic: str | None = None  # a topic or group code: this topic and everything below it
    starts_at: datetime | None = None  # None: now
    expected_end_at: datetime | None = None
    description: str = ""


class ProblemRead(BaseModel):
    id: int
    title: str
    service: str | None
    region: str | None
    topic: str | None
    topic_label: str | None
    starts_at: datetime
    expected_end_at: datetime | None
    description: str
    state: str
    resolution: str
    closed_at: datetime | None
    created_by: str
    version: int
    linked: int = 0  # inquiries linked to it (live or archived)


def moment(text: str | None, field: str) -> datetime | None:
    """A date and time as typed (ISO, local time when no zone is given); empty: None."""
    if text is None or not text.strip():
        return None
    return typed_moment(text, field)


class ProblemChoices(BaseModel):
    """What the problem form offers: (label, code) pairs."""

    services: list[tuple[str, str]]
    regions: list[tuple[str, str]]
    topics: list[tuple[str, str]]


def choices(*, session: Session, actor: Actor) -> ProblemChoices:
    require(actor, Permission.INQUIRIES_READ)

    def items(dictionary: str) -> list[tuple[str, str]]:
        rows = session.exec(select(DictionaryItem.code, col(DictionaryItem.labels))
                            .join(Dictionary, col(Dictionary.id) == DictionaryItem.dictionary_id)
                            .where(Dictionary.code == dictionary, col(DictionaryItem.active).is_(True))
                            .order_by(col(DictionaryItem.sort_order), DictionaryItem.code)).all()
        return [(pick(labels, code), code) for code, labels in rows]

    topics = session.exec(select(col(Topic.code), col(Topic.labels)).where(col(Topic.active).is_(True))
                          .order_by(col(Topic.is_group).desc(), Topic.code)).all()
    return ProblemChoices(services=items(SERVICES), regions=items(REGIONS),
                          topics=[(f"{pick(labels, code)} ({code})", code) for code, labels in topics])


def load(session: Session, problem_id: int) -> SystemProblem:
    problem = session.exec(select(SystemProblem).where(col(SystemProblem.id) == problem_id)
                           .execution_options(populate_existing=True)).first()
    if problem is None:
        raise NotFound(_("System problem"), problem_id)
    return problem


def read(session: Session, problem: SystemProblem) -> ProblemRead:
    topic = session.exec(select(Topic.code, col(Topic.labels)).where(Topic.id == problem.topic_id)).first() \
        if problem.topic_id else None
    linked = session.exec(select(func.count()).select_from(ProblemInquiry)
                          .where(ProblemInquiry.problem_id == problem.id)).one()
    return ProblemRead(**problem.model_dump(exclude={"topic_id", "created_at", "updated_at", "updated_by"}),
                       topic=topic[0] if topic else None, topic_label=pick(topic[1], topic[0]) if topic else None,
                       linked=linked)


def open_problem(*, session: Session, actor: Actor, draft: ProblemDraft, source: str = "cli") -> ProblemRead:
    require(actor, Permission.PROBLEMS_MANAGE)
    problem = SystemProblem(**_checked(session, draft), state="open", created_by=actor.login,
                            updated_by=actor.login)
    session.add(problem)
    session.flush()
    audit.record(session, actor, "create", "system_problems", str(problem.id), after=_document(problem),
                 source=source)
    integrations.problem_event(session, "problem.opened", saved_id(problem))
    return read(session, problem)


def update_problem(*, session: Session, actor: Actor, problem_id: int, draft: ProblemDraft,
                   expected_version: int | None = None, source: str = "cli") -> ProblemRead:
    require(actor, Permission.PROBLEMS_MANAGE)
    problem = load(session, problem_id)
    if problem.state != "open":
        raise Conflict(_("system problem {n} is closed").format(n=problem_id))
    before = _document(problem)
    claim(session, actor, problem, expected_version, _checked(session, draft))
    audit.record(session, actor, "update", "system_problems", str(problem_id), before=before,
                 after=_document(problem), source=source)
    return read(session, problem)


def claim(session: Session, actor: Actor, problem: SystemProblem, expected_version: int | None,
          changes: dict) -> None:
    """Write `changes` guarded by the version read: a concurrent change makes this fail, not vanish."""
    if expected_version is not None and expected_version != problem.version:
        raise _changed(problem)
    result = session.execute(
        update(SystemProblem).where(col(SystemProblem.id) == problem.id, col(SystemProblem.version) == problem.version)
        .values(**changes, version=problem.version + 1, updated_at=utcnow(), updated_by=actor.login)
        .execution_options(synchronize_session=False))
    if rowcount(result) != 1:
        raise _changed(load(session, saved_id(problem)))
    session.refresh(problem)


def _changed(problem: SystemProblem) -> Conflict:
    return Conflict(_("System problem {n} was changed by {who} at {at}; reload and try again").format(
        n=problem.id, who=problem.updated_by or "?", at=fmt_datetime(problem.updated_at)))


def _checked(session: Session, draft: ProblemDraft) -> dict:
    title = draft.title.strip()
    if not title:
        raise ValidationError("title", _("give the problem a title"))
    refuse_control("title", title)
    refuse_nul("description", draft.description)
    starts_at = draft.starts_at or utcnow()
    if draft.expected_end_at is not None and draft.expected_end_at < starts_at:
        raise ValidationError("expected_end_at", _("the expected end is before the start"))
    return {"title": title[:200], "service": _code(session, SERVICES, "service", draft.service),
            "region": _code(session, REGIONS, "region", draft.region), "topic_id": _topic_id(session, draft.topic),
            "starts_at": starts_at, "expected_end_at": draft.expected_end_at,
            "description": draft.description.strip()[:4000]}


def _code(session: Session, dictionary: str, field: str, value: str | None) -> str | None:
    """A code of the dictionary when it is configured (any code when it is not); empty: None (all)."""
    value = (value or "").strip()
    if not value:
        return None
    items = session.exec(select(DictionaryItem.code)
                         .join(Dictionary, col(Dictionary.id) == DictionaryItem.dictionary_id)
                         .where(Dictionary.code == dictionary)).all()
    if items and value not in items:
        raise ValidationError(field, _("'{v}' is not in the dictionary '{d}' (known: {known})").format(
            v=value, d=dictionary, known=", ".join(sorted(items))))
    return value


def _topic_id(session: Session, code: str | None) -> int | None:
    wanted = (code or "").strip()
    if not wanted:
        return None
    found = session.exec(select(Topic.id).where(Topic.code == wanted)).first()
    if found is None:
        raise NotFound(_("Topic"), code)
    return found


def _document(problem: SystemProblem) -> dict:
    return problem.model_dump(mode="json", include={"title", "service", "region", "topic_id", "starts_at",
                                                     "expected_end_at", "description", "state", "resolution"})


def list_problems(*, session: Session, actor: Actor, state: str | None = "open", limit: int = 100
                  ) -> list[ProblemRead]:
    """Newest first; `state` None: open and closed."""
    require(actor, Permission.INQUIRIES_READ)
    if state is not None and state not in PROBLEM_STATES:
        raise ValidationError("state", _("one of: {choices}").format(choices=", ".join(PROBLEM_STATES)))
    query = select(SystemProblem).order_by(col(SystemProblem.id).desc()).limit(limit)
    if state is not None:
        query = query.where(SystemProblem.state == state)
    return [read(session, p) for p in session.exec(query).all()]


def active_matching(*, session: Session, actor: Actor, service: str | None = None, region: str | None = None,
                    topic: str | None = None, now: datetime | None = None, limit: int = 20) -> list[ProblemRead]:
    """Open problems that have started and concern this service, region and topic — a problem without a
    service (region, topic) concerns all; an argument that is None is not known yet and does not narrow.
    The most specific problems first, then the most recent."""
    require(actor, Permission.INQUIRIES_READ)
    query = select(SystemProblem).where(SystemProblem.state == "open", SystemProblem.starts_at <= (now or utcnow()))
    if service:
        query = query.where((col(SystemProblem.service).is_(None)) | (SystemProblem.service == service))
    if region:
        query = query.where((col(SystemProblem.region).is_(None)) | (SystemProblem.region == region))
    if topic:
        path = [row.id for row in topic_path(session, topic)]  # the topic and its groups
        query = query.where((col(SystemProblem.topic_id).is_(None)) | (col(SystemProblem.topic_id).in_(path)))
    found = list(session.exec(query.order_by(col(SystemProblem.starts_at).desc()).limit(200)).all())
    found.sort(key=lambda p: -sum(v is not None for v in (p.service, p.region, p.topic_id)))  # stable: recent
    return [read(session, p) for p in found[:limit]]
