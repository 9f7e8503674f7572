"""Who holds which role: several roles per user and per user group, besides the user's base preset. Every
change is audited, never leaves nobody able to manage users, and, where a user has a database login of their
own (PostgreSQL, store/role_groups), never gives them a role their login's group could not carry out."""

from __future__ import annotations

from sqlmodel import Session, col, select

from crmterm.errors import NotFound, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts import audit, role_grants
from crmterm.services.accounts.permissions import Actor, Permission, Role, database_level, level_rank, require
from crmterm.store import Role as RoleRow
from crmterm.store import User, UserGroup, db_logins


def _user(session: Session, login: str) -> User:
    user = session.exec(select(User).where(User.login == login)).first()
    if user is None:
        raise NotFound(_("user"), login)
    return user


def _group(session: Session, code: str) -> UserGroup:
    group = session.exec(select(UserGroup).where(UserGroup.code == code)).first()
    if group is None:
        raise NotFound(_("user group"), code)
    return group


def _changed(session: Session, held: list[str], add: list[str], remove: list[str]) -> list[str]:
    known = set(session.exec(select(RoleRow.code).where(col(RoleRow.code).in_([*add, *remove]))))
    for code in [*add, *remove]:
        if code not in known:
            raise NotFound(_("role"), code)
    return sorted((set(held) | set(add)) - set(remove))


def set_user_roles(*, session: Session, actor: Actor, login: str, add: list[str] | None = None,
                   remove: list[str] | None = None, source: str = "cli") -> list[str]:
    """Give and take roles besides the base one; answers every role the user now holds (groups' too)."""
    require(actor, Permission.USERS_WRITE)
    user = _user(session, login)
    before = list(user.roles or [])
    if user.role_code in (remove or []):
        raise ValidationError("roles", _("'{code}' is {login}'s base role: change it with `user set --role`")
                              .format(code=user.role_code, login=login))
    after = [c for c in _changed(session, before, add or [], remove or []) if c != user.role_code]
    if after != sorted(before):
        had = someone_manages_users(session)
        user.roles = after
        session.add(user)
        session.flush()
        fits_database(session, user)
        require_user_manager(session, had=had)
        audit.record(session, actor, "roles", "user", login, before={"roles": before}, after={"roles": after},
                     source=source)
    return role_grants.held_codes(session, user)


def set_group_roles(*, session: Session, actor: Actor, group: str, add: list[str] | None = None,
                    remove: list[str] | None = None, source: str = "cli") -> list[str]:
    """Roles every member of a user group holds."""
    require(actor, Permission.USERS_WRITE)
    row = _group(session, group)
    before = list(row.roles or [])
    after = _changed(session, before, add or [], remove or [])
    if after != sorted(before):
        had = someone_manages_users(session)
        row.roles = after
        session.add(row)
        session.flush()
        for user in _members(session, group):
            fits_database(session, user)
        require_user_manager(session, had=had)
        audit.record(session, actor, "roles", "user_group", group, before={"roles": before},
                     after={"roles": after}, source=source)
    return after


def _members(session: Session, group: str) -> list[User]:
    return [u for u in session.exec(select(User)) if group in (u.groups or [])]


def fits_database(session: Session, user: User) -> None:
    """Under a per-user database login the user's base preset sets its group: refuse roles needing more."""
    if not db_logins.exists(session, user.login):
        return
    held = role_grants.grants(session, role_grants.held_codes(session, user))
    for grant in held:
        needed = database_level(grant.permissions)
        if level_rank(needed) > level_rank(Role(user.role_code)):
            raise ValidationError("roles", _(
                "{login} has a database login of group '{base}'; role '{code}' needs '{level}' — change the base "
                "role first").format(login=user.login, base=user.role_code, code=grant.code, level=needed.value))


def check_holders_fit(session: Session, code: str) -> None:
    """After a role's permissions changed: every holder with a database login can still carry them out."""
    groups = {g.code for g in session.exec(select(UserGroup)) if code in (g.roles or [])}
    for user in session.exec(select(User)).all():
        if code == user.role_code or code in (user.roles or []) or groups & set(user.groups or []):
            fits_database(session, user)


def someone_manages_users(session: Session) -> bool:
    """Whether an active user holds users.write through any of their roles (three queries, whatever the count)."""
    grants = {row.code: role_grants.grant_of(row) for row in session.exec(select(RoleRow))}
    given = {group.code: list(group.roles or []) for group in session.exec(select(UserGroup))}
    for user in session.exec(select(User).where(col(User.active).is_(True))):
        codes = [user.role_code, *(user.roles or []), *(c for g in user.groups or [] for c in given.get(g, []))]
        if any(Permission.USERS_WRITE in grants[code].permissions for code in codes if code in grants):
            return True
    return False


def require_user_manager(session: Session, *, had: bool) -> None:
    """No lock-out: a change may not take the last user manager away (one who could repair roles). A database
    that had none (a fresh one, before its first admin) is not held to it."""
    if had and not someone_manages_users(session):
        raise ValidationError("roles", _("this would leave no active user who may manage users (users.write)"))
