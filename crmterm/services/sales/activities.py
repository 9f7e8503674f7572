"""Sales activities: the calls, meetings and tasks of a seller, each about a customer and/or an opportunity,
with a start, a duration, and — once done — an outcome. They make the seller's calendar; an open activity
whose start has passed is overdue. Roles as for opportunities: a sales agent (sales.work) their own,
sales.read sees everyone's, sales.supervise changes everyone's (sales_access)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.errors import Conflict, NotFound, PermissionDenied, ValidationError
from crmterm.i18n import _
from crmterm.moments import check_moment
from crmterm.services.accounts.permissions import Actor, Permission
from crmterm.services.accounts.stale import changed_by
from crmterm.services.customers import customers
from crmterm.services.sales import sales_access
from crmterm.store import Opportunity, Party, SalesActivity, User, utcnow
from crmterm.store.tables import saved_id

KINDS = ("call", "meeting", "task")
OPEN, DONE = "open", "done"
MAX_DURATION = 24 * 60  # minutes


class ActivityRead(BaseModel):
    id: int
    kind: str
    title: str
    party_id: int | None
    customer: str | None
    opportunity_id: int | None
    opportunity: str | None
    owner: str | None
    starts_at: datetime
    duration: int  # minutes
    state: str
    outcome: str
    done_at: datetime | None
    contact_id: int | None
    plan: str | None
    overdue: bool  # open and its start has passed
    version: int = 1


def reads(session: Session, rows: list[SalesActivity], now: datetime | None = None) -> list[ActivityRead]:
    """Many at once: their customers, opportunities and owners in three queries."""
    now = now or utcnow()
    parties = dict(session.exec(select(Party.id, Party.display_name).where(
        col(Party.id).in_({r.party_id for r in rows if r.party_id}))).all())
    deals = dict(session.exec(select(Opportunity.id, Opportunity.title).where(
        col(Opportunity.id).in_({r.opportunity_id for r in rows if r.opportunity_id}))).all())
    logins = dict(session.exec(select(User.id, User.login).where(
        col(User.id).in_({r.owner_id for r in rows if r.owner_id}))).all())
    return [ActivityRead(
        id=saved_id(r), kind=r.kind, title=r.title, party_id=r.party_id, customer=parties.get(r.party_id),
        opportunity_id=r.opportunity_id, opportunity=deals.get(r.opportunity_id), owner=logins.get(r.owner_id),
        starts_at=r.starts_at, duration=r.duration, state=r.state, outcome=r.outcome, done_at=r.done_at,
        contact_id=r.contact_id, plan=r.plan, overdue=r.state == OPEN and r.starts_at < now, version=r.version)
        for r in rows]


def _owner_id(session: Session, actor: Actor, owner: str | None) -> int | None:
    if owner is None or owner == actor.login:
        return actor.id
    if not actor.can(Permission.SALES_SUPERVISE):
        raise PermissionDenied(_("{who} may not give an activity to another owner").format(who=actor.login))
    user = session.exec(select(User).where(User.login == owner)).first()
    if user is None:
        raise NotFound(_("user"), owner)
    return user.id


def _checked(kind: str, title: str, starts_at: datetime, duration: int) -> str:
    if kind not in KINDS:
        raise ValidationError("kind", _("expected one of: {choices}").format(choices=", ".join(KINDS)))
    title = " ".join(title.split())
    if not title or len(title) > 200:
        raise ValidationError("title", _("required, at most {n} characters").format(n=200))
    if isinstance(duration, bool) or not 0 <= duration <= MAX_DURATION:
        raise ValidationError("duration", _("minutes from 0 to {max}").format(max=MAX_DURATION))
    check_moment(starts_at, "at")
    return title


def create_activity(*, session: Session, actor: Actor, kind: str, title: str, starts_at: datetime,
                    duration: int = 30, party_id: int | None = None, opportunity_id: int | None = None,
                    owner: str | None = None, plan: str | None = None) -> ActivityRead:
    """About a customer, an opportunity (then its customer too) or both; owned by the actor unless a sales
    supervisor names another owner."""
    sales_access.require_seller(actor)
    title = _checked(kind, title, starts_at, duration)
    if opportunity_id is not None:
        deal = session.get(Opportunity, opportunity_id)
        if deal is None:
            raise NotFound(_("opportunity"), opportunity_id)
        sales_access.check_reads(actor, deal.owner_id)
        if party_id is not None and party_id != deal.party_id:
            raise ValidationError("customer", _("the opportunity belongs to another customer"))
        party_id = deal.party_id
    if party_id is not None:
        customers.get_party(session, party_id)
    row = SalesActivity(kind=kind, title=title, party_id=party_id, opportunity_id=opportunity_id,
                        owner_id=_owner_id(session, actor, owner), starts_at=starts_at, duration=duration,
                        plan=plan, updated_by=actor.login)
    session.add(row)
    session.flush()
    return reads(session, [row])[0]


def row_of(session: Session, activity_id: int) -> SalesActivity:
    row = session.get(SalesActivity, activity_id)
    if row is None:
        raise NotFound(_("activity"), activity_id)
    return row


def get_activity(*, session: Session, actor: Actor, activity_id: int) -> ActivityRead:
    sales_access.require_sales_reader(actor)
    row = row_of(session, activity_id)
    sales_access.check_reads(actor, row.owner_id)
    return reads(session, [row])[0]


def list_activities(*, session: Session, actor: Actor, owner: str | None = None, start: datetime | None = None,
                    end: datetime | None = None, state: str | None = None, party_id: int | None = None,
                    opportunity_id: int | None = None, overdue: bool = False,
                    limit: int = 500) -> list[ActivityRead]:
    """By start time; `start`..`end` (end exclusive) for a calendar's day or week. A sales agent sees their own;
    `owner` picks one seller's for those who see all."""
    sales_access.require_sales_reader(actor)
    query = select(SalesActivity).order_by(col(SalesActivity.starts_at), col(SalesActivity.id)).limit(limit)
    if not sales_access.sees_all(actor):
        query = query.where(SalesActivity.owner_id == actor.id)
    elif owner:
        query = query.where(col(SalesActivity.owner_id).in_(select(User.id).where(User.login == owner)))
    if overdue:
        state = OPEN
        query = query.where(col(SalesActivity.starts_at) < utcnow())
    for column, value in ((SalesActivity.state, state), (SalesActivity.party_id, party_id),
                          (SalesActivity.opportunity_id, opportunity_id)):
        if value is not None:
            query = query.where(column == value)
    if start is not None:
        query = query.where(col(SalesActivity.starts_at) >= start)
    if end is not None:
        query = query.where(col(SalesActivity.starts_at) < end)
    return reads(session, list(session.exec(query).all()))


def changeable(session: Session, actor: Actor, activity_id: int, version: int | None = None) -> SalesActivity:
    """An open activity the actor may change (their own, or anyone's for a sales supervisor)."""
    sales_access.require_seller(actor)
    row = row_of(session, activity_id)
    sales_access.check_changes(actor, row.owner_id)
    if row.state != OPEN:
        raise Conflict(_("activity {id} is done already").format(id=activity_id))
    if version is not None and version != row.version:
        raise changed_by(_("Activity {id}").format(id=activity_id), row)
    return row


def touch(session: Session, actor: Actor, row: SalesActivity) -> None:
    row.version, row.updated_at, row.updated_by = row.version + 1, utcnow(), actor.login
    session.add(row)
    session.flush()


def complete_activity(*, session: Session, actor: Actor, activity_id: int, outcome: str = "",
                      version: int | None = None, contact_id: int | None = None) -> ActivityRead:
    """Done, with what came of it."""
    row = changeable(session, actor, activity_id, version)
    row.state, row.done_at, row.outcome = DONE, utcnow(), " ".join(outcome.split())[:500]
    if contact_id is not None:
        row.contact_id = contact_id
    touch(session, actor, row)
    return reads(session, [row])[0]


def reschedule_activity(*, session: Session, actor: Actor, activity_id: int, starts_at: datetime,
                        duration: int | None = None, version: int | None = None) -> ActivityRead:
    """A new start (and duration); its reminder is due again for the new start."""
    row = changeable(session, actor, activity_id, version)
    _checked(row.kind, row.title, starts_at, row.duration if duration is None else duration)
    row.starts_at, row.reminded_at = starts_at, None
    if duration is not None:
        row.duration = duration
    touch(session, actor, row)
    return reads(session, [row])[0]


def ends_at(found: ActivityRead) -> datetime:
    return found.starts_at + timedelta(minutes=found.duration)


def week_of(day: date) -> date:
    """The Monday of `day`'s week: a calendar's week view starts there."""
    return day - timedelta(days=day.weekday())


def local_days(first: date, days: int) -> tuple[datetime, datetime]:
    """From the local midnight starting `first` to the one `days` later: a calendar's day or week."""
    return (datetime.combine(first, time()).astimezone(),
            datetime.combine(first + timedelta(days=days), time()).astimezone())
