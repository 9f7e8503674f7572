"""The demo calendar: besides what the demo activity plans create as the demo pipeline moves, each seller gets
a week around the seeding day on their first open opportunities — a call yesterday still open (overdue), a
meeting and a call today, a task tomorrow, and yesterday's done call with its outcome.

Loaded once, into a database whose activities all came from plans; made through the services."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session, col, func, select

from crmterm.services.accounts.permissions import Actor, Permission, Role, require
from crmterm.services.customers import structures
from crmterm.services.sales import activities
from crmterm.services.sales.sales_demo import SELLERS
from crmterm.store import Opportunity, SalesActivity, User

# (days from today, hour UTC, kind, title, duration, outcome when done)
_WEEK = ((-1, 10, "call", "Follow up on the offer", 20, None),
         (0, 11, "meeting", "Requirements workshop", 60, None),
         (0, 15, "call", "Confirm the contact person", 15, None),
         (1, 9, "task", "Prepare the contract draft", 45, None),
         (-1, 14, "call", "Intro call", 15, "Interested, wants a proposal"))


def seed_demo_activities(*, session: Session, actor: Actor) -> int:
    """Returns the number of activities made (0: made already)."""
    require(actor, Permission.CONFIG_IMPORT)
    if session.exec(select(func.count()).select_from(SalesActivity).where(col(SalesActivity.plan).is_(None))).one():
        return 0
    made = 0
    for user in session.exec(select(User).where(col(User.login).in_(SELLERS)).order_by(col(User.login))):
        seller = Actor(login=user.login, role=Role(user.role_code), id=user.id)
        deals = session.exec(select(Opportunity.id).where(Opportunity.owner_id == user.id,
                                                          Opportunity.state == "open")
                             .order_by(col(Opportunity.id)).limit(len(_WEEK))).all()
        for (days, hour, kind, title, duration, outcome), deal in zip(_WEEK, deals, strict=False):
            starts = datetime.combine(structures.today() + timedelta(days=days), time(hour), tzinfo=UTC)
            found = activities.create_activity(session=session, actor=seller, kind=kind, title=title,
                                               starts_at=starts, duration=duration, opportunity_id=deal)
            if outcome:
                activities.complete_activity(session=session, actor=seller, activity_id=found.id, outcome=outcome)
            made += 1
    return made
