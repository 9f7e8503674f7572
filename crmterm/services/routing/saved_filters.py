"""Named inquiry filters, shown as tabs in the Queues screen: a user's own, and those shared with a user group
they belong to. A filter is edited (renamed, its parameters changed, shared or made private) and deleted by
its owner, and a shared one also by a supervisor. Filters are found by name: the caller's own first, then a
shared one; `owner` names someone else's when both exist. Group operations and reports take them by name too.

`shared_with` in save/edit: None leaves the sharing as it is (a new filter is private), PRIVATE makes it
private, a group code shares it with that group (which the owner must belong to unless they supervise)."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import or_
from sqlmodel import Session, col, select

from crmterm.errors import Conflict, NotFound, PermissionDenied, ValidationError, refuse_control
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.routing import queues
from crmterm.services.routing.inquiry_filter import InquiryFilter
from crmterm.store import SavedFilter, User, UserGroup
from crmterm.store.tables import saved_id

MAX_FILTERS = 20
PRIVATE = ""


class SavedFilterRead(BaseModel):
    name: str
    where: InquiryFilter
    owner: str = ""  # login
    shared_with: str | None = None  # a user group's code
    mine: bool = True
    editable: bool = True


def _me(session: Session, actor: Actor) -> User:
    found = (session.get(User, actor.id) if actor.id is not None
             else session.exec(select(User).where(User.login == actor.login)).first())
    if found is None:
        raise ValidationError("user", _("saved filters belong to a person: log in as one"))
    return found


def _read(row: SavedFilter, owner: str, me: User, actor: Actor) -> SavedFilterRead:
    mine = row.user_id == me.id
    return SavedFilterRead(name=row.name, where=InquiryFilter.model_validate(row.params), owner=owner,
                           shared_with=row.shared_with, mine=mine,
                           editable=mine or actor.can(Permission.INQUIRIES_SUPERVISE))


def _visible(session: Session, me: User):
    """The user's own filters and those shared with their groups, with the owners' logins; own first."""
    shared = col(SavedFilter.shared_with).in_(list(me.groups)) if me.groups else None
    mine = col(SavedFilter.user_id) == me.id
    query = (select(SavedFilter, User.login).join(User, col(User.id) == col(SavedFilter.user_id))
             .where(or_(mine, shared) if shared is not None else mine))
    rows = session.exec(query.order_by(col(SavedFilter.id))).all()
    return sorted(rows, key=lambda r: r[0].user_id != me.id)


def list_filters(*, session: Session, actor: Actor) -> list[SavedFilterRead]:
    require(actor, Permission.INQUIRIES_READ)
    me = _me(session, actor)
    return [_read(row, owner, me, actor) for row, owner in _visible(session, me)]


def get_filter(*, session: Session, actor: Actor, name: str, owner: str | None = None) -> SavedFilterRead:
    require(actor, Permission.INQUIRIES_READ)
    me = _me(session, actor)
    row, login = _find(session, actor, me, name, owner)
    return _read(row, login, me, actor)


def filter_of_user(session: Session, user_id: int | None, name: str) -> InquiryFilter:
    """A user's own filter by name, read on their behalf: a report they shared runs on the filter they chose
    even when the filter itself is not shared (the report's sharing is what grants it; reports check it)."""
    row = session.exec(select(SavedFilter).where(SavedFilter.user_id == user_id, SavedFilter.name == name)).first()
    if row is None:
        raise NotFound(_("Saved filter"), name)
    try:
        return InquiryFilter.model_validate(row.params)
    except ValueError as error:
        raise ValidationError("filter", str(error)) from None


def _find(session: Session, actor: Actor, me: User, name: str, owner: str | None) -> tuple[SavedFilter, str]:
    """Own first, else shared with one of my groups; a supervisor reaches any shared filter by its owner."""
    for row, login in _visible(session, me):
        if row.name == name and (owner is None or owner == login):
            return row, login
    if owner is not None and actor.can(Permission.INQUIRIES_SUPERVISE):
        found = session.exec(select(SavedFilter, User.login).join(User, col(User.id) == col(SavedFilter.user_id))
                             .where(User.login == owner, SavedFilter.name == name,
                                    col(SavedFilter.shared_with).is_not(None))).first()
        if found is not None:
            return found[0], found[1]
    raise NotFound(_("Saved filter"), name if owner is None else f"{owner}/{name}")


def save_filter(*, session: Session, actor: Actor, name: str, where: InquiryFilter,
                shared_with: str | None = None) -> SavedFilterRead:
    """Create or replace the user's own filter of that name."""
    require(actor, Permission.INQUIRIES_READ)
    me = _me(session, actor)
    name = _checked_name(name)
    row = session.exec(select(SavedFilter).where(SavedFilter.user_id == me.id, SavedFilter.name == name)).first()
    if row is None:
        count = len(session.exec(select(SavedFilter.id).where(SavedFilter.user_id == me.id)).all())
        if count >= MAX_FILTERS:
            raise ValidationError("name", _("at most {n} saved filters").format(n=MAX_FILTERS))
        row = SavedFilter(user_id=saved_id(me), name=name)
    _store(session, actor, me, row, where, shared_with)
    return _read(row, me.login, me, actor)


def edit_filter(*, session: Session, actor: Actor, name: str, owner: str | None = None, new_name: str | None = None,
                where: InquiryFilter | None = None, shared_with: str | None = None) -> SavedFilterRead:
    """Rename, change the parameters or the sharing of a filter the actor may edit."""
    require(actor, Permission.INQUIRIES_READ)
    me = _me(session, actor)
    row, login = _editable(session, actor, me, name, owner)
    if new_name is not None and new_name.strip() != row.name:
        new_name = _checked_name(new_name)
        taken = session.exec(select(SavedFilter.id).where(SavedFilter.user_id == row.user_id,
                                                          SavedFilter.name == new_name)).first()
        if taken is not None:
            raise Conflict(_("a saved filter named '{name}' exists already").format(name=new_name))
        row.name = new_name
    _store(session, actor, me, row, where or InquiryFilter.model_validate(row.params), shared_with)
    return _read(row, login, me, actor)


def delete_filter(*, session: Session, actor: Actor, name: str, owner: str | None = None) -> None:
    require(actor, Permission.INQUIRIES_READ)
    row, _login = _editable(session, actor, _me(session, actor), name, owner)
    session.delete(row)


def _editable(session: Session, actor: Actor, me: User, name: str, owner: str | None) -> tuple[SavedFilter, str]:
    row, login = _find(session, actor, me, name, owner)
    if row.user_id != me.id and not actor.can(Permission.INQUIRIES_SUPERVISE):
        raise PermissionDenied(_("only {owner} or a supervisor may change the filter “{name}”").format(
            owner=login, name=name))
    return row, login


def _checked_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 64:
        raise ValidationError("name", _("a name of 1 to 64 characters"))
    refuse_control("name", name)
    return name


def _store(session: Session, actor: Actor, me: User, row: SavedFilter, where: InquiryFilter,
           shared_with: str | None) -> None:
    """Checked as a list would use it (unknown codes, operators that do not fit), so a tab never fails later."""
    queues.check_filter(session, actor, where)
    if shared_with is not None:
        row.shared_with = _group(session, actor, me, shared_with) if shared_with != PRIVATE else None
    row.params = where.model_dump(mode="json", exclude_defaults=True)
    session.add(row)
    session.flush()


def _group(session: Session, actor: Actor, me: User, code: str) -> str:
    if session.exec(select(UserGroup.id).where(UserGroup.code == code)).first() is None:
        raise NotFound(_("User group"), code)
    if code not in me.groups and not actor.can(Permission.INQUIRIES_SUPERVISE):
        raise PermissionDenied(_("{who} is not a member of group '{group}'").format(who=actor.login, group=code))
    return code
