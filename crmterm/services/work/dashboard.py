"""The Dashboard's tiles (issue 31 item 6): each tile one cheap query over an index, asked for on its own, so a
tile that fails says so without taking the others with it (screens/shell/dashboard).

"Today" is the workstation's local day (the same clock the lists show times in); counts are of the actor's own
work, their user groups' and their queues' — never the whole floor's, which is what reports are for."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from crmterm.errors import ValidationError
from crmterm.i18n import _, pick
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.accounts.queue_access import person, queues_of
from crmterm.services.accounts.workspace import TILES
from crmterm.services.routing import queues
from crmterm.store import Contact, Inquiry, SlaMark, User, utcnow
from crmterm.workflow.engine import OPEN

WEEK = 7


class TileLine(BaseModel):
    label: str
    value: int


class Tile(BaseModel):
    code: str
    value: int | None = None  # the tile's one number; None for a tile of lines only
    lines: list[TileLine] = []  # per queue, per day, …: shown as bars


def _day_start(day: date) -> datetime:
    """Local midnight of `day`, in UTC as the database keeps it."""
    return datetime.combine(day, time.min).astimezone().astimezone(UTC)


def _today() -> date:
    return datetime.now().astimezone().date()


def tile(*, session: Session, actor: Actor, code: str) -> Tile:
    """The tile `code` (workspace.TILES) for the actor."""
    require(actor, Permission.INQUIRIES_READ)
    if code not in TILES:
        raise ValidationError("tile", _("unknown tile '{code}' (use one of: {known})").format(
            code=code, known=", ".join(TILES)))
    return _BUILDERS[code](session, actor)


def _my_open(session: Session, actor: Actor) -> Tile:
    n = session.exec(select(func.count()).select_from(Inquiry).where(
        Inquiry.assignee_id == person(actor), col(Inquiry.state).in_(sorted(OPEN)))).one()
    return Tile(code="my_open", value=n)


def _my_overdue(session: Session, actor: Actor) -> Tile:
    n = session.exec(select(func.count()).select_from(Inquiry).where(
        col(Inquiry.state).in_(sorted(OPEN)), Inquiry.due_at < utcnow(), Inquiry.assignee_id == person(actor))).one()
    return Tile(code="my_overdue", value=n)


def _group_ids(session: Session, actor: Actor) -> list[int]:
    """The people who share a user group with the actor (the actor included). Users are a few hundred rows."""
    rows = session.exec(select(User.id, User.login, User.groups).where(col(User.active).is_(True))).all()
    mine = next((set(groups or []) for _id, login, groups in rows if login == actor.login), set())
    return [user_id for user_id, login, groups in rows
            if user_id is not None and (login == actor.login or mine & set(groups or []))]


def _contacts_since(session: Session, since: datetime, operators: list[int]) -> int:
    return session.exec(select(func.count()).select_from(Contact).where(
        Contact.at >= since, col(Contact.operator_id).in_(operators))).one()


def _registered_today(session: Session, actor: Actor) -> Tile:
    since = _day_start(_today())
    mine = _contacts_since(session, since, [person(actor)])
    group = _contacts_since(session, since, _group_ids(session, actor))
    return Tile(code="registered_today", value=mine,
                lines=[TileLine(label=_("mine"), value=mine), TileLine(label=_("my groups"), value=group)])


def _queue_sizes(session: Session, actor: Actor) -> Tile:
    counts = queues.my_queues(session=session, actor=actor)
    return Tile(code="queue_sizes", value=sum(q.waiting for q in counts),
                lines=[TileLine(label=pick(q.labels, q.code), value=q.waiting) for q in counts])


def _my_week(session: Session, actor: Actor) -> Tile:
    """Contacts the actor registered on each of the last seven local days (today last)."""
    days = [_today() - timedelta(days=back) for back in range(WEEK - 1, -1, -1)]
    moments = session.exec(select(Contact.at).where(Contact.at >= _day_start(days[0]),
                                                    Contact.operator_id == person(actor))).all()
    per_day = dict.fromkeys(days, 0)
    for moment in moments:
        day = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone().date()
        if day in per_day:
            per_day[day] += 1
    return Tile(code="my_week", value=sum(per_day.values()),
                lines=[TileLine(label=day.strftime("%d.%m"), value=n) for day, n in per_day.items()])


def _breaches_today(session: Session, actor: Actor) -> Tile:
    """Deadlines breached since local midnight in the actor's queues (supervisors: all of them)."""
    queue_ids = [q.id for q in queues_of(session, actor)]
    if not queue_ids:
        return Tile(code="breaches_today", value=0)
    n = session.exec(select(func.count()).select_from(SlaMark).join(Inquiry, col(Inquiry.id) == SlaMark.inquiry_id)
                     .where(SlaMark.level == "breach", SlaMark.at >= _day_start(_today()),
                            col(Inquiry.queue_id).in_(queue_ids))).one()
    return Tile(code="breaches_today", value=n)


_BUILDERS = {"my_open": _my_open, "my_overdue": _my_overdue, "registered_today": _registered_today,
             "queue_sizes": _queue_sizes, "my_week": _my_week, "breaches_today": _breaches_today}
