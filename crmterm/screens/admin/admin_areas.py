"""What the admin panel can edit: every directory area, plus user accounts, behind one small interface."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen

from crmterm.i18n import N_, pick
from crmterm.services.accounts import db_login_auth, users
from crmterm.services.accounts.permissions import Permission
from crmterm.services.directory import directory
from crmterm.services.directory.directory import EntryRead
from crmterm.services.directory.kinds import FieldSpec, Kind
from crmterm.services.directory.registry import KINDS
from crmterm.services.platform.gateway import Gateway
from crmterm.services.routing import agent_skills
from crmterm.settings import LANGUAGES


class DirectoryArea:
    def __init__(self, kind: Kind) -> None:
        self.name, self.title, self.fields = kind.name, kind.label, kind.all_fields

    def list_entries(self, gateway: Gateway, search: str) -> list[EntryRead]:
        return gateway.call(directory.list_entries, kind=self.name, search=search)

    def create(self, gateway: Gateway, values: dict) -> EntryRead:
        return gateway.change(directory.create_entry, kind=self.name, values=values)

    def update(self, gateway: Gateway, key: str, values: dict, version: int) -> EntryRead:
        return gateway.change(directory.update_entry, kind=self.name, key=key, values=values,
                              expected_version=version)

    def options(self, gateway: Gateway, kind: str) -> list[tuple[str, str]]:
        entries = gateway.call(directory.list_entries, kind=kind, active_only=True)
        return [(f"{pick(e.values['labels'], e.key)} ({e.key})", e.key) for e in entries]

    def ref_options(self, gateway: Gateway) -> dict[str, list[tuple[str, str]]]:
        """The choices of every reference field of the area's form, by field name."""
        return {spec.name: self.options(gateway, spec.ref) for spec in self.fields
                if spec.type == "ref" and spec.ref is not None}  # a reference field always names its kind


class UsersArea(DirectoryArea):
    """Accounts; a password typed here is set on save (left empty, the password stays as it was)."""

    def __init__(self) -> None:
        self.name, self.title = "users", N_("Users")
        self.fields = (
            FieldSpec("login", N_("Login"), required=True, max_length=64),
            FieldSpec("display_name", N_("Name")),
            FieldSpec("role", N_("Role"), "choice", required=True,
                      choices=("agent", "supervisor", "admin", "auditor")),
            FieldSpec("email", N_("E-mail")),
            FieldSpec("language", N_("Language"), "choice", choices=LANGUAGES),
            FieldSpec("active", N_("Active"), "bool", default=True),
            FieldSpec("groups", N_("User groups"), "refs", ref="user_groups"),
            FieldSpec("skills", N_("Skills (skill: level 1-5, e.g. en: 4, ru: 3)"), "yaml"),
            FieldSpec("password", N_("New password"), "password"),
        )

    @staticmethod
    def _entry(user: users.UserRead, skills: dict[str, int] | None = None) -> EntryRead:
        values = user.model_dump(include={"login", "display_name", "role", "email", "language", "active",
                                          "groups"})
        values["skills"] = skills or {}
        values["labels"] = {"en": user.display_name}
        values["code"] = user.login
        return EntryRead(kind="users", key=user.login, version=user.version, updated_at=user.updated_at,
                         updated_by=user.updated_by, values=values)

    def list_entries(self, gateway: Gateway, search: str) -> list[EntryRead]:
        needle = search.strip().casefold()
        skills: dict[str, dict[str, int]] = {}
        for skill in gateway.call(agent_skills.list_skills):
            skills.setdefault(skill.login, {})[skill.skill] = skill.level
        return [self._entry(u, skills.get(u.login)) for u in gateway.call(users.list_users)
                if not needle or needle in f"{u.login} {u.display_name}".casefold()]

    @staticmethod
    def _split(values: dict) -> tuple[dict, str | None, Any]:
        """The account's fields (the form's group codes as a list: the service would read a string's letters),
        the password typed (if any) and the skills typed."""
        values = dict(values)
        password, skills = values.pop("password", None) or None, values.pop("skills", None)
        if isinstance(values.get("groups"), str):
            values["groups"] = [g.strip() for g in values["groups"].split(",") if g.strip()]
        return values, password, skills

    def create(self, gateway: Gateway, values: dict) -> EntryRead:
        values, password, skills = self._split(values)
        user = gateway.change(users.add_user, values=values, password=password,
                              db_login=db_login_auth.applies(gateway.settings))
        return self._entry(user, self._save_skills(gateway, user.login, skills))

    def update(self, gateway: Gateway, key: str, values: dict, version: int) -> EntryRead:
        values, password, skills = self._split(values)
        user = gateway.change(users.update_user, login=key, values=values, expected_version=version,
                              password=password)
        return self._entry(user, self._save_skills(gateway, user.login, skills))

    @staticmethod
    def _save_skills(gateway: Gateway, login: str, skills: Any) -> dict[str, int]:
        """The skills typed in the form (a second unit of work: the account is saved first)."""
        if skills is not None:
            gateway.change(agent_skills.replace_skills, login=login, skills=skills)
        return {s.skill: s.level for s in gateway.call(agent_skills.list_skills, login=login)}


AREAS = {area.name: area for area in [*(DirectoryArea(k) for k in KINDS.values()), UsersArea()]}


class ScreenArea:
    """An area with a screen of its own (the list shows it to roles with `permission`; Enter opens it)."""

    def __init__(self, name: str, title: str, permission: Permission, module: str, screen: str) -> None:
        self.name, self.title, self.permission = name, title, permission
        self._module, self._screen = module, screen

    def open(self) -> Screen[Any]:
        from importlib import import_module

        return getattr(import_module(self._module), self._screen)()


SCREEN_AREAS = {area.name: area for area in [  # Scripts stays last (tests and snapshots reach it with End)
    ScreenArea("portal_offers", N_("Portal offers"), Permission.DIRECTORY_READ, "crmterm.screens.admin.portal_offers",
               "PortalOffersScreen"),
    ScreenArea("roles", N_("Roles"), Permission.USERS_READ, "crmterm.screens.admin.role_admin", "RoleAdminScreen"),
    ScreenArea("scripts", N_("Scripts"), Permission.SCRIPTS_ADMIN, "crmterm.screens.admin.script_admin",
               "ScriptAdminScreen"),
]}
