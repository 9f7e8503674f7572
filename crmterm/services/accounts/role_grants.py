"""What a user may do: the union of the permissions of every role they hold — their base preset, the roles
given to them and the roles of their user groups (issue 31, item 2). Read at log-in (and per API request), so a
change of roles reaches a session at its next log-in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from crmterm.services.accounts.permissions import ROLE_PERMISSIONS, Actor, Permission, Role
from crmterm.store import Role as RoleRow
from crmterm.store import User, UserGroup


@dataclass(frozen=True)
class Grant:
    """One role as the permission check sees it."""

    code: str
    permissions: frozenset[Permission]
    queues: frozenset[str]


def grant_of(row: RoleRow) -> Grant:
    return Grant(row.code, permissions_of(row), frozenset(row.queues or ()))


def permissions_of(row: RoleRow) -> frozenset[Permission]:
    """An unedited preset (permissions NULL) has its built-in set; unknown names (a permission a newer version
    removed) are ignored rather than failing every log-in."""
    if row.permissions is None:
        return ROLE_PERMISSIONS[Role(row.code)] if row.code in {r.value for r in Role} else frozenset()
    known = {p.value for p in Permission}
    return frozenset(Permission(p) for p in row.permissions if p in known)


def held_codes(session: Session, user: User) -> list[str]:
    """Every role code the user holds, the base preset first, without repeats."""
    codes = [user.role_code, *user.roles]
    if user.groups:
        for roles in session.exec(select(UserGroup.roles).where(col(UserGroup.code).in_(user.groups))):
            codes += roles or []
    return list(dict.fromkeys(codes))


def grants(session: Session, codes: Iterable[str]) -> list[Grant]:
    wanted = list(dict.fromkeys(codes))
    rows = {r.code: r for r in session.exec(select(RoleRow).where(col(RoleRow.code).in_(wanted)))}
    return [grant_of(rows[code]) for code in wanted if code in rows]


def combine(held: list[Grant]) -> tuple[frozenset[Permission], frozenset[str]]:
    """The union; a queue-scoped role's inquiries.supervise counts for its queues only."""
    permissions: set[Permission] = set()
    queues: set[str] = set()
    for grant in held:
        scoped = grant.permissions - {Permission.INQUIRIES_SUPERVISE} if grant.queues else grant.permissions
        permissions |= scoped
        if grant.queues and Permission.INQUIRIES_SUPERVISE in grant.permissions:
            queues |= grant.queues
    return frozenset(permissions), frozenset(queues)


def actor_for(session: Session, user: User) -> Actor:
    codes = held_codes(session, user)
    permissions, queues = combine(grants(session, codes))
    return Actor(login=user.login, role=Role(user.role_code), id=user.id, display_name=user.display_name,
                 granted=permissions, supervised_queues=queues, roles=tuple(codes))
