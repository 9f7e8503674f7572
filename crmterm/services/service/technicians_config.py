"""The `technicians` section of a configuration document (config-as-code; the same list from a CSV file is
technicians_import):

    technicians:
      - {login: agent, region: moscow, calendar: back_office_ekb, skills: {fiber: 4, router: 3}}

    login,region,calendar,skills          (CSV: skills as `fiber:4 router:3`)
    agent,moscow,back_office_ekb,fiber:4 router:3

As in every section, a technician missing from the file is left as they are; `active: false` retires one. The
skills listed are set at their levels; the user's other skills (skills routing's too) stay.
Registered with the directory's registry by the service package (its __init__)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from crmterm.errors import NotFound, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.directory.flat_section import FlatSection
from crmterm.services.directory.validation import RefExists
from crmterm.services.routing import skill_rules
from crmterm.services.service import technicians
from crmterm.store import Technician, User

FIELDS = {"login", "region", "calendar", "skills", "active"}


class TechniciansSection(FlatSection):
    """Technicians by login: region, working calendar, skills."""

    name = "technicians"

    def clean(self, session: Session, values: dict, ref_exists: RefExists) -> dict:
        unknown = set(values) - FIELDS
        if unknown:
            raise ValidationError(sorted(unknown)[0], _("unknown field"))
        login, calendar = values.get("login"), values.get("calendar") or None
        if not isinstance(login, str) or not ref_exists("users", login):
            raise ValidationError("login", _("unknown reference '{code}'").format(code=login))
        if calendar is not None and not ref_exists("calendars", str(calendar)):
            raise ValidationError("calendar", _("unknown reference '{code}'").format(code=calendar))
        if not isinstance(values.get("active", True), bool):
            raise ValidationError("active", _("expected yes or no"))
        skills = skill_rules.clean_requirements("skills", values.get("skills") or {}, ref_exists)
        region = str(values.get("region") or "").strip()
        if not region:
            raise ValidationError("region", _("required"))
        user = session.exec(select(User).where(User.login == login)).first()  # None: a user the file adds
        have = technicians.skills_of(session, [user.id]).get(user.id, {}) if user and user.id else {}
        merged = {**have, **skills}  # listed skills are set, others stay (as add_technician does)
        return {"login": login, "region": region, "calendar": calendar, "skills": dict(sorted(merged.items())),
                "active": values.get("active", True)}

    def key(self, clean: dict) -> str:
        return clean["login"]

    def current(self, session: Session, key: str) -> dict:
        user = technicians.user_by_login(session, key)
        row = session.get(Technician, user.id)
        if row is None:
            raise NotFound(_("Technician"), key)
        found = technicians.technician_read(session, user, row)
        return {"login": key, "region": found.region, "calendar": found.calendar, "skills": found.skills,
                "active": row.active}

    def create(self, session: Session, actor: Actor, clean: dict, source: str, ref_exists=None) -> None:
        self.update(session, actor, clean["login"], clean, source)

    def update(self, session: Session, actor: Actor, key: str, clean: dict, source: str, ref_exists=None) -> None:
        technicians.add_technician(session=session, actor=actor, login=key, region=clean["region"],
                                   calendar=clean["calendar"], skills=clean["skills"], active=clean["active"],
                                   source=source)

    def export(self, session: Session, actor: Actor) -> list[dict]:
        require(actor, Permission.DIRECTORY_READ)
        rows = session.exec(select(User, Technician).join(Technician, col(Technician.user_id) == User.id)
                            .order_by(col(User.login))).all()
        return [self.current(session, user.login) for user, _row in rows]
