"""Agents' skills with levels (1 basic … 5 expert): listed, set and removed by admins, audited; and per queue,
how many logged-in agents can take its work (the supervisor's staffing view)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlalchemy import select as select_rows  # rows read by name (sqlmodel.select types them as bare tuples)
from sqlmodel import Session, col, select

from crmterm.errors import NotFound, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts import audit, presence
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.accounts.queue_access import queues_of
from crmterm.services.routing import skill_rules
from crmterm.store import AgentSkill, Skill, User
from crmterm.store.skills import LEVELS
from crmterm.store.tables import saved_id


class AgentSkillRead(BaseModel):
    login: str
    skill: str
    labels: dict[str, str]
    kind: str
    level: int


class QueueStaffing(BaseModel):
    code: str
    labels: dict[str, str]
    skills: dict[str, int]  # what the queue requires
    online: int  # its members logged in now
    can_take: int  # of those, how many meet its required skills


def list_skills(*, session: Session, actor: Actor, login: str | None = None) -> list[AgentSkillRead]:
    """Every agent's skills, or one agent's (anyone may read their own: the default for those who may not
    read other users)."""
    if actor is not None and login is None and not actor.can(Permission.USERS_READ):
        login = actor.login
    if actor is None or login != actor.login:
        require(actor, Permission.USERS_READ)
    query = (select_rows(col(User.login), col(AgentSkill.skill), col(Skill.labels), col(Skill.kind),
                         col(AgentSkill.level))
             .join(User, col(User.id) == AgentSkill.user_id).join(Skill, col(Skill.code) == AgentSkill.skill))
    if login is not None:
        query = query.where(col(User.login) == _user(session, login).login)
    rows = session.execute(query.order_by(col(User.login), col(Skill.sort_order), col(Skill.code))).all()
    return [AgentSkillRead(login=u, skill=s, labels=labels, kind=kind, level=level)
            for u, s, labels, kind, level in rows]


def set_skill(*, session: Session, actor: Actor, login: str, skill: str, level: int, source: str = "cli") -> None:
    require(actor, Permission.USERS_WRITE)
    user = _user(session, login)
    if session.exec(select(Skill.id).where(Skill.code == skill, col(Skill.active).is_(True))).first() is None:
        raise NotFound(_("Skill"), skill)
    if level not in LEVELS:
        raise ValidationError("level", _("a whole number from 1 to 5"))
    row = session.get(AgentSkill, (saved_id(user), skill))
    before = {"skill": skill, "level": row.level} if row else None
    if row is None:
        row = AgentSkill(user_id=saved_id(user), skill=skill, level=level)
    row.level = level
    session.add(row)
    audit.record(session, actor, "skill", "user", login, before=before, after={"skill": skill, "level": level},
                 source=source)


def remove_skill(*, session: Session, actor: Actor, login: str, skill: str, source: str = "cli") -> None:
    require(actor, Permission.USERS_WRITE)
    user = _user(session, login)
    row = session.get(AgentSkill, (saved_id(user), skill))
    if row is None:
        raise NotFound(_("Skill of {login}").format(login=login), skill)
    session.delete(row)
    audit.record(session, actor, "skill", "user", login, before={"skill": skill, "level": row.level},
                 source=source)


def replace_skills(*, session: Session, actor: Actor, login: str, skills: Any, source: str = "tui") -> None:
    """Make LOGIN's skills exactly `skills` (code -> level, or the admin form's text `en: 4, ru: 3`)."""
    require(actor, Permission.USERS_WRITE)
    known = set(session.exec(select(Skill.code).where(col(Skill.active).is_(True))).all())
    wanted = skill_rules.clean_requirements("skills", skills, lambda _kind, code: code in known)
    have = {s.skill: s.level for s in list_skills(session=session, actor=actor, login=login)}
    for code in sorted(set(have) - set(wanted)):
        remove_skill(session=session, actor=actor, login=login, skill=code, source=source)
    for code, level in wanted.items():
        if have.get(code) != level:
            set_skill(session=session, actor=actor, login=login, skill=code, level=level, source=source)


def staffing(*, session: Session, actor: Actor) -> list[QueueStaffing]:
    """Per active queue: members (by login or group) logged in now, and how many of them have its skills."""
    require(actor, Permission.INQUIRIES_SUPERVISE)
    online = presence.online_ids(session)
    people = session.exec(select(User).where(col(User.id).in_(online), col(User.active).is_(True))).all() \
        if online else []
    skills: dict[int, dict[str, int]] = {}
    for user_id, code, level in session.exec(select(AgentSkill.user_id, AgentSkill.skill, AgentSkill.level)
                                             .where(col(AgentSkill.user_id).in_(online))):
        skills.setdefault(user_id, {})[code] = level
    found = []
    for queue in queues_of(session, actor):
        members = [u for u in people if u.login in queue.members or set(u.groups) & set(queue.groups)]
        able = [u for u in members if skill_rules.meets(skills.get(saved_id(u), {}), queue.skills or {})]
        found.append(QueueStaffing(code=queue.code, labels=queue.labels, skills=queue.skills or {},
                                   online=len(members), can_take=len(able)))
    return found


def _user(session: Session, login: str) -> User:
    user = session.exec(select(User).where(User.login == login)).first()
    if user is None:
        raise NotFound(_("User"), login)
    return user
