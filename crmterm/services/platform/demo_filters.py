"""Demo saved filter: agent2's "Large disputes" shared with the claims-handling group (every billing topic with an
amount of 1000 or more, registered by phone), so a fresh `crmterm` (log in as agent2) shows a shared filter tab
and the filter editor with a subtree, a channel and a typed attribute condition. One user's only: the other
demo logins' screens stay as they were."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.routing import saved_filters
from crmterm.services.routing.inquiry_filter import AttributeCondition, InquiryFilter
from crmterm.store import SavedFilter, User

_FILTERS = (  # owner, name, group shared with, filter
    ("agent2", "Large disputes", "claims", InquiryFilter(topic="billing", subtopics=True, channel="phone",
                                                         attributes=[AttributeCondition(code="amount", op=">=",
                                                                                        value="1000")])),
)


def seed_demo_filters(session: Session) -> int:
    """Only into a database without saved filters that has the demo's users: the demo is loaded once."""
    if session.exec(select(func.count()).select_from(SavedFilter)).one():
        return 0
    users = {u.login: u for u in session.exec(select(User).where(col(User.login).in_([f[0] for f in _FILTERS])))}
    made = 0
    for login, name, group, where in _FILTERS:
        user = users.get(login)
        if user is None:
            continue
        owner = Actor(login=user.login, role=Role(user.role_code), id=user.id)
        saved_filters.save_filter(session=session, actor=owner, name=name, where=where, shared_with=group)
        made += 1
    return made
