"""Reading notifications: a user's in-app inbox (keyset pages, newest first; unread count; marking read)
and, for admins, the whole outbox (what was sent, what waits, what failed and why) with a retry."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import func, true, update
from sqlmodel import Session, col, select

from crmterm.errors import NotFound, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.routing import live
from crmterm.store import Notification, User, utcnow
from crmterm.store.notifications import NotificationChannel as Channel
from crmterm.store.notifications import NotificationState as State
from crmterm.store.tables import rowcount

PAGE = 30
UNREAD_CAP = 100  # the badge says "99+" beyond this: counting further is work nobody reads


class NotificationRead(BaseModel):
    id: int
    channel: str
    recipient: str  # a login (in-app) or an e-mail address
    event: str
    language: str
    subject: str
    body: str
    state: str
    inquiry_id: int | None
    created_at: datetime
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str | None = None
    sent_at: datetime | None = None
    read_at: datetime | None = None


class NotificationPage(BaseModel):
    rows: list[NotificationRead]
    cursor: int | None  # pass back as `before` for the next (older) page; None: this was the last page


def _read(row: Notification, login: str | None) -> NotificationRead:
    return NotificationRead(**row.model_dump(exclude={"user_id", "address"}),
                            recipient=login or row.address or "")


def _page(session: Session, query, limit: int) -> NotificationPage:
    rows = session.exec(query.order_by(col(Notification.id).desc()).limit(limit + 1)).all()
    shown = [_read(row, login) for row, login in rows[:limit]]
    return NotificationPage(rows=shown, cursor=shown[-1].id if len(rows) > limit else None)


def _person(actor: Actor) -> int:
    require(actor, Permission.INQUIRIES_READ)  # every role: anonymous callers have no notifications
    if actor.id is None:
        raise ValidationError("user", _("notifications belong to a person: give --user (or CRMTERM_USER)"))
    return actor.id


def inbox(*, session: Session, actor: Actor, before: int | None = None, limit: int = PAGE) -> NotificationPage:
    """The actor's in-app notifications, newest first, one keyset page (index on user, id)."""
    query = (select(Notification, User.login).join(User, col(User.id) == Notification.user_id)
             .where(Notification.user_id == _person(actor), Notification.channel == Channel.IN_APP))
    if before is not None:
        query = query.where(col(Notification.id) < before)
    return _page(session, query, limit)


def unread_count(*, session: Session, actor: Actor) -> int:
    """Unread in-app notifications of the actor, counted up to UNREAD_CAP."""
    require(actor, Permission.INQUIRIES_READ)
    if actor.id is None:
        return 0
    unread = (select(Notification.id).where(Notification.user_id == actor.id, Notification.state == State.SENT,
                                            Notification.channel == Channel.IN_APP).limit(UNREAD_CAP).subquery())
    return session.exec(select(func.count()).select_from(unread)).one()


def mark_read(*, session: Session, actor: Actor, ids: list[int] | None = None,
              now: datetime | None = None) -> int:
    """Mark the actor's own notifications read (`ids`; None: all of them); returns how many changed."""
    query = update(Notification).where(col(Notification.user_id) == _person(actor),
                                       col(Notification.state) == State.SENT,
                                       col(Notification.channel) == Channel.IN_APP)
    if ids is not None:
        query = query.where(col(Notification.id).in_(ids))
    changed = rowcount(session.execute(query.values(state=State.READ, read_at=now or utcnow())
                                       .execution_options(synchronize_session=False)))
    if changed:
        live.announce(session, None, channel=live.NOTIFICATIONS)  # the user's other sessions recount
    return changed


def outbox(*, session: Session, actor: Actor, state: str | None = None, channel: str | None = None,
           before: int | None = None, limit: int = 50) -> NotificationPage:
    """Every notification (admins), newest first, optionally of one state and channel."""
    require(actor, Permission.NOTIFICATIONS_ADMIN)
    query = select(Notification, User.login).outerjoin(User, col(User.id) == Notification.user_id)
    if state is not None:
        if state not in set(State):
            raise ValidationError("state", _("one of: {choices}").format(choices=", ".join(State)))
        query = query.where(Notification.state == state)
    if channel is not None:
        if channel not in set(Channel):
            raise ValidationError("channel", _("one of: {choices}").format(choices=", ".join(Channel)))
        query = query.where(Notification.channel == channel)
    if before is not None:
        query = query.where(col(Notification.id) < before)
    return _page(session, query, limit)


def retry(*, session: Session, actor: Actor, notification_id: int, now: datetime | None = None) -> NotificationRead:
    """Send a failed (or still waiting) e-mail again at once, with a fresh set of attempts."""
    require(actor, Permission.NOTIFICATIONS_ADMIN)
    row = session.get(Notification, notification_id)
    if row is None:
        raise NotFound(_("Notification"), notification_id)
    # A pending row with a claim is being sent right now: resetting it could send it twice.
    retryable = row.channel == Channel.EMAIL and (row.state == State.FAILED or (
        row.state == State.PENDING and row.claim_token is None))
    changed = retryable and rowcount(session.execute(
        update(Notification).where(col(Notification.id) == row.id, col(Notification.state) == row.state,
                                   col(Notification.claim_token).is_(None) if row.state == State.PENDING else true())
        .values(state=State.PENDING, attempts=0, next_attempt_at=now or utcnow(), claim_token=None)
        .execution_options(synchronize_session=False))) == 1
    if not changed:
        raise ValidationError("notification", _("notification {n} is {state}: only e-mail that failed or waits "
                                                "for its next attempt can be retried").format(n=row.id,
                                                                                              state=row.state))
    session.refresh(row)
    return _read(row, None)
