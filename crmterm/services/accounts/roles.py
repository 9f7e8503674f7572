"""Configurable roles (issue 31, item 2): named sets of permissions from the catalogue, optionally scoped to
queues. The four built-in roles are editable presets. Every change is audited; a role still held is not
removed, and no change may leave nobody able to manage users (no lock-out)."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, select

from crmterm.errors import Conflict, NotFound, ValidationError, refuse_control
from crmterm.i18n import _
from crmterm.services.accounts import audit, role_assignments
from crmterm.services.accounts.permissions import Actor, Permission, Role, database_level, level_rank, require
from crmterm.services.accounts.role_grants import permissions_of
from crmterm.settings import LANGUAGES
from crmterm.store import Queue, User, UserGroup, utcnow
from crmterm.store import Role as RoleRow

_CODE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
PRESETS = frozenset(r.value for r in Role)


class RoleRead(BaseModel):
    code: str
    labels: dict[str, str]
    permissions: list[str]
    queues: list[str]
    preset: bool
    database_level: str  # the built-in group a per-user database login of a holder needs at least
    users: list[str]  # who holds it directly (as base role or given)
    groups: list[str]  # user groups that give it to their members
    version: int
    updated_at: datetime | None
    updated_by: str | None


def snapshot(row: RoleRow) -> dict:
    """The role as config as code and the audit log see it."""
    return {"code": row.code, "labels": dict(row.labels or {}),
            "permissions": sorted(p.value for p in permissions_of(row)), "queues": sorted(row.queues or [])}


def _read(session: Session, row: RoleRow) -> RoleRead:
    users, groups = holders(session, row.code)
    return RoleRead(**snapshot(row), preset=row.preset, database_level=level_of(row).value, users=users,
                    groups=groups, version=row.version, updated_at=row.updated_at, updated_by=row.updated_by)


def level_of(row: RoleRow) -> Role:
    return Role(row.code) if row.preset else database_level(permissions_of(row))


def holders(session: Session, code: str) -> tuple[list[str], list[str]]:
    """Logins holding the role directly and the user groups giving it (JSON lists: read whole, a few hundred)."""
    users = sorted(u.login for u in session.exec(select(User)) if code == u.role_code or code in (u.roles or []))
    groups = sorted(g.code for g in session.exec(select(UserGroup)) if code in (g.roles or []))
    return users, groups


def get_row(session: Session, code: str) -> RoleRow:
    row = session.get(RoleRow, code)
    if row is None:
        raise NotFound(_("role"), code)
    return row


def list_roles(*, session: Session, actor: Actor) -> list[RoleRead]:
    require(actor, Permission.USERS_READ)
    rows = session.exec(select(RoleRow).order_by(RoleRow.code)).all()
    return sorted((_read(session, r) for r in rows), key=lambda r: (not r.preset, r.code))


def get_role(*, session: Session, actor: Actor, code: str) -> RoleRead:
    require(actor, Permission.USERS_READ)
    return _read(session, get_row(session, code))


def clean_document(session: Session, values: dict) -> dict:
    """Validated role fields in the snapshot shape (config import checks with this too)."""
    code = str(values.get("code") or "").strip().lower()
    if not _CODE.match(code):
        raise ValidationError("code", _("use 1–32 lower-case letters, digits or '_', starting with a letter"))
    labels = values.get("labels") or {}
    if not isinstance(labels, dict) or set(labels) - set(LANGUAGES):
        raise ValidationError("labels", _("labels by language: {langs}").format(langs=", ".join(LANGUAGES)))
    for text in labels.values():
        refuse_control("labels", str(text))
    known = {p.value for p in Permission}
    permissions = sorted({str(p) for p in values.get("permissions") or []})
    for name in permissions:
        if name not in known:
            raise ValidationError("permissions", _("unknown permission '{p}'").format(p=name))
    queues = sorted({str(q) for q in values.get("queues") or []})
    existing = set(session.exec(select(Queue.code)))
    for queue in queues:
        if queue not in existing:
            raise ValidationError("queues", _("unknown queue '{q}'").format(q=queue))
    return {"code": code, "labels": {k: str(v).strip() for k, v in labels.items() if str(v).strip()},
            "permissions": permissions, "queues": queues}


def _fits_preset(code: str, permissions: list[str]) -> None:
    """A preset keeps its database group (store/role_groups): it may not gain permissions that group lacks."""
    if code in PRESETS:
        needed = database_level(frozenset(Permission(p) for p in permissions))
        if level_rank(needed) > level_rank(Role(code)):
            raise ValidationError("permissions", _("the preset '{code}' cannot hold permissions that need the "
                                                   "database level '{level}'").format(code=code, level=needed.value))


def add_role(*, session: Session, actor: Actor, values: dict, source: str = "cli") -> RoleRead:
    require(actor, Permission.USERS_WRITE)
    clean = clean_document(session, values)
    if session.get(RoleRow, clean["code"]) is not None:
        raise Conflict(_("role '{code}' already exists").format(code=clean["code"]))
    row = RoleRow(code=clean["code"], labels=clean["labels"], permissions=clean["permissions"],
                  queues=clean["queues"], preset=False, updated_at=utcnow(), updated_by=actor.login)
    session.add(row)
    session.flush()
    audit.record(session, actor, "create", "role", row.code, after=snapshot(row), source=source)
    return _read(session, row)


def update_role(*, session: Session, actor: Actor, code: str, values: dict, expected_version: int | None = None,
                source: str = "cli") -> RoleRead:
    """Change labels, permissions or queues (presets too, within their database group)."""
    require(actor, Permission.USERS_WRITE)
    row = get_row(session, code)
    before = snapshot(row)
    clean = clean_document(session, {**before, **values, "code": code})
    if clean == before:
        return _read(session, row)
    if expected_version is not None and expected_version != row.version:
        raise Conflict(_("Changed by {who}; reload and try again").format(who=row.updated_by or "?"))
    _fits_preset(code, clean["permissions"])
    had = role_assignments.someone_manages_users(session)
    row.labels, row.permissions, row.queues = clean["labels"], clean["permissions"], clean["queues"]
    row.version, row.updated_at, row.updated_by = row.version + 1, utcnow(), actor.login
    session.add(row)
    session.flush()
    role_assignments.check_holders_fit(session, code)
    role_assignments.require_user_manager(session, had=had)
    audit.record(session, actor, "update", "role", code, before=before, after=clean, source=source)
    return _read(session, row)


def remove_role(*, session: Session, actor: Actor, code: str, source: str = "cli") -> None:
    require(actor, Permission.USERS_WRITE)
    row = get_row(session, code)
    if row.preset:
        raise ValidationError("code", _("'{code}' is a built-in preset: edit it instead").format(code=code))
    users, groups = holders(session, code)
    if users or groups:
        who = ", ".join([*users, *(_("group {g}").format(g=g) for g in groups)])
        raise Conflict(_("role '{code}' is still held by {who}").format(code=code, who=who))
    before = snapshot(row)
    session.delete(row)
    session.flush()
    audit.record(session, actor, "delete", "role", code, before=before, source=source)


def all_snapshots(session: Session) -> list[dict]:
    """Every role for config export (presets too: an edited preset travels with the file)."""
    return [snapshot(r) for r in session.exec(select(RoleRow).order_by(RoleRow.code))]
