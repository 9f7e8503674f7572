"""A fresh crmterm's recent past, so the Dashboard's tiles have numbers on the first start: the demo agent's
consultations over the last seven days (answered on the spot, so closed at once) and two complaints registered
today, one taken by the agent, one waiting in its queue. Loaded by the TUI's first run (bootstrap.prepare), not
by `crmterm seed demo`: databases seeded for tests and scripts keep their inquiry numbers and empty queues."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session, col, select

from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.inquiries import inquiry_actions
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.store import Party, User, utcnow

AGENT = "agent"  # data/seed/demo.yaml's agent
CUSTOMER = "Группа «Норд»"
PER_DAY = (3, 5, 2, 6, 4, 1, 3)  # consultations six days ago … today


def seed_demo_day(session: Session) -> int:
    """The registrations above, as the demo agent; none without that agent or customer. Returns how many."""
    agent = session.exec(select(User).where(User.login == AGENT)).first()
    party = session.exec(select(Party.id).where(col(Party.display_name) == CUSTOMER)).first()
    if agent is None or party is None:
        return 0
    actor = Actor(login=agent.login, role=Role(agent.role_code), id=agent.id)
    now, today = utcnow(), datetime.now().astimezone().date()
    for back, count in zip(range(len(PER_DAY) - 1, -1, -1), PER_DAY):
        # earlier days at local noon on; today's in the last hour (whatever the hour, inside the week)
        start = now - timedelta(hours=1) if back == 0 else \
            datetime.combine(today - timedelta(days=back), time(12)).astimezone().astimezone(UTC)
        for n in range(count):
            _register(session, actor, party, start + timedelta(minutes=10 * n), {"topic": "tariff_info"})
    complaints = [_register(session, actor, party, now - timedelta(minutes=minutes), {
        "topic": "disputed_charge", "priority": "high", "values": {
            "amount": amount, "dispute_reason": "double_charge", "charge_date": now.date().isoformat(),
            "approval_reference": "A-1"}}) for minutes, amount in ((5, "100"), (3, "250"))]
    inquiry_actions.take(session=session, actor=actor, inquiry_id=complaints[0])  # the other waits in its queue
    return sum(PER_DAY) + len(complaints)


def _register(session: Session, actor: Actor, party: int, at, inquiry: dict) -> int:
    draft = ContactDraft(at=at, channel="phone", place="cc_msk", customer=party, inquiries=[inquiry])
    return register(session=session, actor=actor, draft=draft).inquiry_ids[0]
