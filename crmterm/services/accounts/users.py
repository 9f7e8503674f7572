"""User accounts: add, list, change role/groups, set password, deactivate."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.errors import Conflict, NotFound, ValidationError, refuse_control
from crmterm.i18n import _, fmt_datetime
from crmterm.services.accounts import audit, auth, role_assignments
from crmterm.services.accounts.auth import MIN_PASSWORD_LENGTH, hash_password
from crmterm.services.accounts.permissions import Actor, Permission, Role, require
from crmterm.settings import LANGUAGES
from crmterm.store import Role as RoleRow
from crmterm.store import User, UserGroup, db_logins, passwords, utcnow
from crmterm.store.tables import saved_id
from crmterm.store.versioning import claim_version

_LOGIN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


class UserRead(BaseModel):
    id: int
    login: str
    display_name: str
    role: str
    email: str | None
    language: str | None
    active: bool
    groups: list[str]
    roles: list[str]  # held besides the base role (services/accounts/role_assignments)
    version: int
    updated_at: datetime
    updated_by: str | None


def _read(user: User) -> UserRead:
    return UserRead(id=user.id, login=user.login, display_name=user.display_name, role=user.role_code,
                    email=user.email, language=user.language, active=user.active, groups=list(user.groups),
                    roles=list(user.roles or []), version=user.version, updated_at=user.updated_at,
                    updated_by=user.updated_by)


def snapshot(user: User) -> dict:
    """The user as config-as-code and the audit log see it (no password)."""
    return {"login": user.login, "display_name": user.display_name, "role": user.role_code,
            "email": user.email, "language": user.language, "active": user.active, "groups": list(user.groups),
            "roles": sorted(user.roles or [])}


def snapshot_of(session: Session, login: str) -> dict:
    return snapshot(_get(session, login))


def _get(session: Session, login: str) -> User:
    user = session.exec(select(User).where(User.login == login)).first()
    if user is None:
        raise NotFound(_("user"), login)
    return user


def clean_document(values: dict) -> dict:
    """Validated user fields in the snapshot shape; group codes are checked against the database separately."""
    login = str(values.get("login") or "").strip().lower()
    if not _LOGIN.match(login):
        raise ValidationError("login", _("use 1–64 lower-case letters, digits, '.', '_' or '-'"))
    try:
        role = Role(values.get("role", ""))
    except ValueError:
        raise ValidationError("role", _("unknown role '{r}'").format(r=values.get("role"))) from None
    language = values.get("language") or None
    if language is not None and language not in LANGUAGES:
        raise ValidationError("language", _("unsupported language '{lang}'").format(lang=language))
    for field in ("display_name", "email"):
        refuse_control(field, str(values.get(field) or ""))
    return {"login": login, "display_name": str(values.get("display_name") or login).strip(),
            "role": role.value, "email": str(values["email"]).strip() if values.get("email") else None,
            "language": language, "active": bool(values.get("active", True)),
            "groups": sorted(set(_codes(values.get("groups")))),
            "roles": sorted(set(_codes(values.get("roles"))) - {role.value})}


def _codes(value) -> list[str]:
    """A list of codes, or one text of them ("l1, l2" as a form or YAML may give it): never its letters."""
    if isinstance(value, str):
        return [code for code in value.replace(",", " ").split() if code]
    return [str(code) for code in value or []]


def _check(session: Session, values: dict) -> dict:
    document = clean_document(values)
    groups = document["groups"]
    known = set(session.exec(select(UserGroup.code).where(col(UserGroup.code).in_(groups))))
    for group in groups:
        if group not in known:
            raise ValidationError("groups", _("unknown user group '{g}'").format(g=group))
    known_roles = set(session.exec(select(RoleRow.code).where(col(RoleRow.code).in_(document["roles"]))))
    for code in document["roles"]:
        if code not in known_roles:
            raise ValidationError("roles", _("unknown role '{r}'").format(r=code))
    return document


def _assign(user: User, document: dict) -> None:
    for name, value in document.items():
        setattr(user, "role_code" if name == "role" else name, value)


def add_user(*, session: Session, actor: Actor, values: dict, password: str | None,
             source: str = "cli", db_login: bool = False) -> UserRead:
    """With `db_login` (PostgreSQL), the user also gets a database login of their own (store/role_groups)."""
    require(actor, Permission.USERS_WRITE)
    if db_login and session.get_bind().dialect.name != "postgresql":
        raise ValidationError("db_login", _("per-user database logins need PostgreSQL"))
    clean = _check(session, values)
    if session.exec(select(User.id).where(User.login == clean["login"])).first() is not None:
        raise Conflict(_("user '{login}' already exists").format(login=clean["login"]))
    password_hash = hash_password(password) if password else None
    user = User(role_code=clean["role"], login=clean["login"], updated_by=actor.login)
    _assign(user, clean)
    session.add(user)
    session.flush()
    if password_hash:
        passwords.store(session, saved_id(user), password_hash)
    audit.record(session, actor, "create", "user", user.login, after=snapshot(user), source=source)
    if db_login:
        _sync_db_login(session, actor, user, password, source)
    return _read(user)


def _sync_db_login(session: Session, actor: Actor, user: User, password: str | None, source: str) -> None:
    """The user's database login follows the user: its role's group, LOGIN only while active, the password
    (the database function checks the user row, so it is written first)."""
    session.flush()
    name = db_logins.set_login(session, login=user.login, role=user.role_code, active=user.active,
                               password=password)
    audit.record(session, actor, "db_login", "user", user.login, source=source,
                 after={"db_login": name, "role": user.role_code, "login": user.active})


def update_user(*, session: Session, actor: Actor, login: str, values: dict, expected_version: int | None,
                source: str = "tui", password: str | None = None) -> UserRead:
    """Change fields (and, when given, the password) in the caller's one transaction."""
    require(actor, Permission.USERS_WRITE)
    user = _get(session, login)
    before = snapshot(user)
    clean = _check(session, {**before, **values, "login": login})
    if clean == before and not password:
        return _read(user)
    new_hash = hash_password(password) if password else None  # refuse a bad password before claiming
    if not claim_version(session, User, saved_id(user), user.version if expected_version is None else expected_version,
                         actor.login):
        session.refresh(user)
        raise Conflict(_("Changed by {who} at {at}; reload and try again").format(
            who=user.updated_by or "?", at=fmt_datetime(user.updated_at)))
    session.refresh(user)
    had = _roles_matter(before, clean) and role_assignments.someone_manages_users(session)
    _assign(user, clean)
    if new_hash:
        _store_password(session, actor, user, new_hash, source)
    session.add(user)
    if clean != before:
        _keep_roles_sound(session, user, before, clean, had)
        audit.record(session, actor, _change(before, clean), "user", login, before=before, after=clean,
                     source=source)
    if db_logins.exists(session, login):  # deactivated: NOLOGIN at once, in this same transaction
        _sync_db_login(session, actor, user, password, source)
    return _read(user)


def _roles_matter(before: dict, after: dict) -> bool:
    return any(before[k] != after[k] for k in ("role", "roles", "groups", "active"))


def _keep_roles_sound(session: Session, user: User, before: dict, after: dict, had: bool) -> None:
    """A change of role, roles, groups or activity may lock everyone out, or outgrow a database login."""
    if _roles_matter(before, after):
        session.flush()
        role_assignments.fits_database(session, user)
        role_assignments.require_user_manager(session, had=had)


def _change(before: dict, after: dict) -> str:
    """The audit action naming what mattered most: a (de)activation, then a role change, else an update."""
    if before["active"] != after["active"]:
        return "activate" if after["active"] else "deactivate"
    return "role" if before["role"] != after["role"] else "update"


def _store_password(session: Session, actor: Actor, user: User, password_hash: str, source: str) -> None:
    passwords.store(session, saved_id(user), password_hash)
    auth.forget_failures(session, user.login)
    audit.record(session, actor, "password", "user", user.login, source=source)


def set_password(*, session: Session, actor: Actor, login: str, password: str, source: str = "cli") -> None:
    if actor is None or actor.login != login:  # anyone their own; others' need users.write
        require(actor, Permission.USERS_WRITE)
    user = _get(session, login)
    if db_logins.is_session_login(session, login):  # per-user logins: the database keeps this password
        if len(password) < MIN_PASSWORD_LENGTH:
            raise ValidationError("password", _("at least {n} characters").format(n=MIN_PASSWORD_LENGTH))
        db_logins.set_own_password(session, password)
        audit.record(session, actor, "password", "user", login, source=source, after={"db_login": True})
        return
    _store_password(session, actor, user, hash_password(password), source)
    user.version, user.updated_at, user.updated_by = user.version + 1, utcnow(), actor.login
    session.add(user)
    if db_logins.exists(session, login):
        _sync_db_login(session, actor, user, password, source)


def list_users(*, session: Session, actor: Actor, limit: int = 500) -> list[UserRead]:
    require(actor, Permission.USERS_READ)
    return [_read(u) for u in session.exec(select(User).order_by(User.login).limit(limit))]


def get_user(*, session: Session, actor: Actor, login: str) -> UserRead:
    require(actor, Permission.USERS_READ)
    return _read(_get(session, login))


def all_snapshots(session: Session) -> dict[str, dict]:
    return {u.login: snapshot(u) for u in session.exec(select(User).order_by(User.login))}
