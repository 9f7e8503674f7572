"""Named inquiry filters per user, shown as tabs in the Queues screen."""

from __future__ import annotations

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.errors import NotFound, ValidationError, refuse_control
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.routing.queues import InquiryFilter
from crmterm.store import SavedFilter, User

MAX_FILTERS = 20


class SavedFilterRead(BaseModel):
    name: str
    where: InquiryFilter


def _user_id(session: Session, actor: Actor) -> int:
    user_id = actor.id or session.exec(select(User.id).where(User.login == actor.login)).first()
    if user_id is None:
        raise ValidationError("user", _("saved filters belong to a person: log in as one"))
    return user_id


def list_filters(*, session: Session, actor: Actor) -> list[SavedFilterRead]:
    require(actor, Permission.INQUIRIES_READ)
    rows = session.exec(select(SavedFilter).where(SavedFilter.user_id == _user_id(session, actor))
                        .order_by(col(SavedFilter.id))).all()
    return [SavedFilterRead(name=r.name, where=InquiryFilter.model_validate(r.params)) for r in rows]


def save_filter(*, session: Session, actor: Actor, name: str, where: InquiryFilter) -> SavedFilterRead:
    """Create or replace the user's filter of that name."""
    require(actor, Permission.INQUIRIES_READ)
    name = name.strip()
    if not name or len(name) > 64:
        raise ValidationError("name", _("a name of 1 to 64 characters"))
    refuse_control("name", name)
    user_id = _user_id(session, actor)
    row = session.exec(select(SavedFilter).where(SavedFilter.user_id == user_id, SavedFilter.name == name)).first()
    if row is None:
        count = len(session.exec(select(SavedFilter.id).where(SavedFilter.user_id == user_id)).all())
        if count >= MAX_FILTERS:
            raise ValidationError("name", _("at most {n} saved filters").format(n=MAX_FILTERS))
        row = SavedFilter(user_id=user_id, name=name)
    row.params = where.model_dump(exclude_defaults=True)
    session.add(row)
    session.flush()
    return SavedFilterRead(name=name, where=where)


def delete_filter(*, session: Session, actor: Actor, name: str) -> None:
    require(actor, Permission.INQUIRIES_READ)
    row = session.exec(select(SavedFilter).where(SavedFilter.user_id == _user_id(session, actor),
                                                 SavedFilter.name == name)).first()
    if row is None:
        raise NotFound(_("Saved filter"), name)
    session.delete(row)
