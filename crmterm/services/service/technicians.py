"""Technicians: users who go out to customers, with the region they serve, the business calendar of their
working hours and their skills. Skills are the skills-routing catalogue's (`agent_skill`): one list of what a
person can do, whether they answer calls or climb ladders."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.errors import NotFound, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts import audit
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.routing import agent_skills
from crmterm.store import AgentSkill, Calendar, Technician, User
from crmterm.store.tables import saved_id

REGION_LIMIT = 64


class TechnicianRead(BaseModel):
    login: str
    name: str
    region: str
    calendar: str | None  # business calendar code; None: the default calendar
    skills: dict[str, int]  # skill code -> level (1 basic … 5 expert)
    active: bool


def add_technician(*, session: Session, actor: Actor, login: str, region: str, calendar: str | None = None,
                   skills: dict[str, int] | None = None, active: bool = True, source: str = "cli") -> TechnicianRead:
    """Make LOGIN a technician, or change one: region, calendar, and these skills at these levels (the user's
    other skills stay: `crmterm skill remove` takes one away)."""
    require(actor, Permission.USERS_WRITE)
    user = user_by_login(session, login)
    region = _region(region)
    calendar_id = _calendar_id(session, calendar)
    row = session.get(Technician, saved_id(user))
    before = technician_read(session, user, row).model_dump() if row else None
    if row is None:
        row = Technician(user_id=saved_id(user), region=region)
    else:
        row.version += 1
    row.region, row.calendar_id, row.active, row.updated_by = region, calendar_id, active, actor.login
    session.add(row)
    have = skills_of(session, [saved_id(user)]).get(saved_id(user), {})
    for code, level in (skills or {}).items():  # given skills are set; others stay (skills routing uses them too)
        if have.get(code) != level:
            agent_skills.set_skill(session=session, actor=actor, login=login, skill=code, level=level, source=source)
    session.flush()
    after = technician_read(session, user, row)
    audit.record(session, actor, "update" if before else "create", "technician", login, before=before,
                 after=after.model_dump(), source=source)
    return after


def list_technicians(*, session: Session, actor: Actor, region: str | None = None,
                     active_only: bool = False) -> list[TechnicianRead]:
    require(actor, Permission.DIRECTORY_READ)
    query = select(User, Technician).join(Technician, col(Technician.user_id) == User.id).order_by(col(User.login))
    if region:
        query = query.where(Technician.region == region)
    if active_only:
        query = query.where(col(Technician.active).is_(True), col(User.active).is_(True))
    rows = session.exec(query).all()
    skills = skills_of(session, [saved_id(user) for user, _row in rows])
    calendars = _calendar_codes(session)
    return [_read(user, row, skills.get(saved_id(user), {}), calendars) for user, row in rows]


def get_technician(*, session: Session, actor: Actor, login: str) -> TechnicianRead:
    require(actor, Permission.DIRECTORY_READ)
    user = user_by_login(session, login)
    row = session.get(Technician, saved_id(user))
    if row is None:
        raise NotFound(_("Technician"), login)
    return technician_read(session, user, row)


def technician_read(session: Session, user: User, row: Technician) -> TechnicianRead:
    return _read(user, row, skills_of(session, [saved_id(user)]).get(saved_id(user), {}), _calendar_codes(session))


def skills_of(session: Session, user_ids: list[int]) -> dict[int, dict[str, int]]:
    found: dict[int, dict[str, int]] = {}
    if not user_ids:
        return found
    for user_id, code, level in session.exec(select(AgentSkill.user_id, AgentSkill.skill, AgentSkill.level)
                                             .where(col(AgentSkill.user_id).in_(user_ids))):
        found.setdefault(user_id, {})[code] = level
    return found


def user_by_login(session: Session, login: str) -> User:
    user = session.exec(select(User).where(User.login == login)).first()
    if user is None:
        raise NotFound(_("User"), login)
    return user


def _read(user: User, row: Technician, skills: dict[str, int], calendars: dict[int, str]) -> TechnicianRead:
    return TechnicianRead(login=user.login, name=user.display_name or user.login, region=row.region,
                          calendar=calendars.get(row.calendar_id) if row.calendar_id else None,
                          skills=dict(sorted(skills.items())), active=row.active and user.active)


def _calendar_codes(session: Session) -> dict[int, str]:
    return {saved_id(c): c.code for c in session.exec(select(Calendar))}


def _calendar_id(session: Session, code: str | None) -> int | None:
    if not code:
        return None
    found = session.exec(select(Calendar.id).where(Calendar.code == code)).first()
    if found is None:
        raise NotFound(_("Calendar"), code)
    return found


def _region(region: Any) -> str:
    text = str(region or "").strip()
    if not text or len(text) > REGION_LIMIT:
        raise ValidationError("region", _("required, at most {n} characters").format(n=REGION_LIMIT))
    return text
