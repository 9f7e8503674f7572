"""Demo work for "My work": a few callbacks due today (one already overdue) and two tasks for the demo agent,
so a fresh `crmterm` shows the list alive. Windows are set around the moment of seeding."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlmodel import Session, col

from crmterm.services.accounts.permissions import Actor
from crmterm.services.work import callbacks, tasks
from crmterm.store import Callback, Party, User, utcnow

AGENT = "agent"  # data/seed/demo.yaml's agent
# (customer, number, window from/to in minutes from now, whose: agent or queue, note)
_CALLBACKS = (
    ("Группа «Норд»", "+7 916 100-00-01", -300, -180, None, "Promised to confirm the refund of the double charge"),
    ("Группа «Норд»", "+7 916 100-00-02", -30, 90, None, "Explain the new corporate tariff"),
    ("Норд Ритейл", "+7 495 123-45-67", -10, 180, "first_line", "Call back about the roaming bill"),
    ("Норд Ритейл", "+7 916 100-00-03", 240, 360, None, "Confirm the technician's visit"),
)


def seed_demo_work(session: Session, actor: Actor, /) -> int:
    """Only into a database without callbacks and with the demo agent: the demo is loaded once."""
    if session.execute(select(func.count()).select_from(Callback)).scalar() or \
            session.execute(select(col(User.id)).where(col(User.login) == AGENT)).first() is None:
        return 0
    names = {c[0] for c in _CALLBACKS}
    parties: dict[str, int] = {row[0]: row[1] for row in session.execute(
        select(col(Party.display_name), col(Party.id)).where(col(Party.display_name).in_(names)))}
    if len(parties) < 2:
        return 0
    now = utcnow()
    for customer, number, start, end, queue, note in _CALLBACKS:
        callbacks.schedule(session=session, actor=actor, customer=parties[customer], number=number,
                           window_from=now + timedelta(minutes=start), window_to=now + timedelta(minutes=end),
                           agent=None if queue else AGENT, queue=queue, note=note)
    tasks.add_task(session=session, actor=actor, title="Send the contract copy to Nord Retail", priority="high",
                   due_at=now + timedelta(hours=4), agent=AGENT, customer=parties["Норд Ритейл"])
    tasks.add_task(session=session, actor=actor, title="Check the router replacement order", priority="normal",
                   due_at=now + timedelta(days=1), queue="first_line")
    return len(_CALLBACKS) + 2
