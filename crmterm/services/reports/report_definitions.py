"""Saved report definitions (the report builder's reports): per user, by name, optionally shared with everyone
who may read reports. A shared definition runs over its owner's saved filter; only the owner changes or
deletes it. Running one by name finds the actor's own first, then a shared one (`owner` picks among several).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from pydantic import ValidationError as ModelError
from sqlmodel import Session, col, or_, select

from crmterm.errors import NotFound, ValidationError, refuse_control
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.reports import builder_measures
from crmterm.services.reports.builder_groups import grouping
from crmterm.services.reports.report_builder import ReportSpec, build_report, saved_filter
from crmterm.services.reports.report_table import ReportTable
from crmterm.services.reports.reports_scope import Progress, ReportParams
from crmterm.store import ReportDefinition, User, utcnow

MAX_DEFINITIONS = 50


class ReportDefinitionRead(BaseModel):
    name: str
    owner: str  # login
    shared: bool
    spec: ReportSpec
    version: int


def spec_from(data: dict) -> ReportSpec:
    """A ReportSpec from JSON-like data, or ValidationError naming what is wrong."""
    try:
        return ReportSpec.model_validate(data)
    except ModelError as error:
        first = error.errors()[0]
        raise ValidationError(str(first["loc"][0]) if first["loc"] else "spec", first["msg"]) from None


def _user_id(session: Session, actor: Actor) -> int:
    user_id = actor.id or session.execute(select(col(User.id)).where(col(User.login) == actor.login)).scalar()
    if user_id is None:
        raise ValidationError("user", _("saved reports belong to a person: log in as one"))
    return user_id


def _read(row: ReportDefinition, owner: str) -> ReportDefinitionRead:
    return ReportDefinitionRead(name=row.name, owner=owner, shared=row.shared, spec=spec_from(row.spec),
                                version=row.version)


def list_definitions(*, session: Session, actor: Actor) -> list[ReportDefinitionRead]:
    """The actor's own definitions, then those others share, by name."""
    require(actor, Permission.REPORTS_READ)
    me = _user_id(session, actor)
    owned = select(ReportDefinition, col(User.login)).join(User, col(User.id) == ReportDefinition.user_id)
    rows = session.execute(owned.where(or_(col(ReportDefinition.user_id) == me, col(ReportDefinition.shared).is_(True)))
                           .order_by(col(ReportDefinition.user_id) != me, col(ReportDefinition.name))).all()
    return [_read(row, login) for row, login in rows]


def save_definition(*, session: Session, actor: Actor, name: str, spec: ReportSpec,
                    shared: bool = False) -> ReportDefinitionRead:
    """Create or replace the actor's definition of that name, after checking every part of it."""
    require(actor, Permission.REPORTS_READ)
    name = name.strip()
    if not name or len(name) > 64:
        raise ValidationError("name", _("a name of 1 to 64 characters"))
    refuse_control("name", name)
    user_id = _user_id(session, actor)
    _check(session, actor, user_id, spec)
    row = session.execute(select(ReportDefinition).where(col(ReportDefinition.user_id) == user_id,
                                                         col(ReportDefinition.name) == name)).scalars().first()
    if row is None:
        count = len(session.execute(select(col(ReportDefinition.id)).where(
            col(ReportDefinition.user_id) == user_id)).all())
        if count >= MAX_DEFINITIONS:
            raise ValidationError("name", _("at most {n} saved reports").format(n=MAX_DEFINITIONS))
        row = ReportDefinition(user_id=user_id, name=name)
    else:
        row.version += 1
    row.spec, row.shared = spec.model_dump(), shared
    row.updated_at, row.updated_by = utcnow(), actor.login
    session.add(row)
    session.flush()
    return _read(row, actor.login)


def _check(session: Session, actor: Actor, user_id: int, spec: ReportSpec) -> None:
    builder_measures.checked(spec.measures)
    for key in spec.groups:
        grouping(session, key, 0)
    if spec.filter:
        saved_filter(session, actor, user_id, spec.filter)


def delete_definition(*, session: Session, actor: Actor, name: str) -> None:
    require(actor, Permission.REPORTS_READ)
    row = session.execute(select(ReportDefinition).where(col(ReportDefinition.user_id) == _user_id(session, actor),
                                                         col(ReportDefinition.name) == name)).scalars().first()
    if row is None:
        raise NotFound(_("Saved report"), name)
    session.delete(row)


def find_definition(session: Session, actor: Actor, name: str, owner: str | None = None,
                    /) -> tuple[ReportDefinition, str]:
    """The definition and its owner's login: the actor's own by that name, else the one shared by `owner`
    (or the only one shared under that name)."""
    found = [(row, login) for row, login in session.execute(
        select(ReportDefinition, col(User.login)).join(User, col(User.id) == ReportDefinition.user_id)
        .where(col(ReportDefinition.name) == name)).all()
        if login == actor.login or (row.shared and owner in (None, login))]
    mine = [item for item in found if item[1] == actor.login and owner in (None, actor.login)]
    if mine:
        return mine[0]
    if not found:
        raise NotFound(_("Saved report"), name)
    if len(found) > 1:
        raise ValidationError("owner", _("several people share a report named '{name}': name its owner ({owners})")
                              .format(name=name, owners=", ".join(sorted(login for _row, login in found))))
    return found[0]


def run_definition(*, session: Session, actor: Actor, name: str, params: ReportParams, owner: str | None = None,
                   now: datetime | None = None, progress: Progress | None = None) -> ReportTable:
    require(actor, Permission.REPORTS_READ)
    row, _login = find_definition(session, actor, name, owner)
    return build_report(session=session, actor=actor, params=params, spec=spec_from(row.spec), title=row.name,
                        owner_id=row.user_id, now=now, progress=progress)
