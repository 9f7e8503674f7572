"""How the notification centre looks (fixed terminal size and times). Update deliberately:
pytest --snapshot-update, then look at the SVG."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from crmterm.app import make_app
from crmterm.services.sla.notification_inbox import mark_read
from crmterm.services.sla.notifications import notify
from crmterm.services.accounts.permissions import Actor, Role
from crmterm.store.db import unit_of_work
from helpers import settle
from test_snapshots import _login

SIZE = (110, 32)
TRANSITION = {"inquiry_id": 12, "topic": {"en": "Disputed charge", "ru": "Спорное начисление"},
              "transition": {"en": "Needs finance approval", "ru": "Требует согласования"},
              "from_step": {"en": "Billing review", "ru": "Проверка биллингом"},
              "to_step": {"en": "Finance approval", "ru": "Согласование с финансами"},
              "customer": "Склад химреактивов", "priority": {"en": "High", "ru": "Высокий"}, "actor": "Pavel Petrov"}


def _notifications(url: str) -> None:
    """Three for the agent (Russian): a move of an inquiry (newest), an overdue one, a note already read."""
    at = [datetime(2026, 11, 20, 9, 5, tzinfo=UTC), datetime(2026, 11, 20, 11, 40, tzinfo=UTC),
          datetime(2026, 11, 20, 14, 15, tzinfo=UTC)]
    with unit_of_work(url) as session:
        read = notify(session=session, event="message", recipients=["user:agent"], now=at[0],
                      data={"subject": "Плановые работы 21.11 с 02:00 до 04:00",
                            "text": "Возможны перебои в биллинге."})
        notify(session=session, event="sla_breach", recipients=["user:agent"], now=at[1], inquiry_id=7,
               data={"inquiry_id": 7, "topic": {"en": "Roaming bill shock", "ru": "Счёт за роуминг"},
                     "due_at": "2026-11-20T11:30:00+00:00", "queue": {"ru": "Первая линия"}})
        notify(session=session, event="inquiry_transition", recipients=["user:agent"], now=at[2],
               inquiry_id=12, data=TRANSITION)
        mark_read(session=session, actor=Actor(login="agent", role=Role.AGENT, id=3), ids=read, now=at[2])


def test_notification_centre(snap_compare, snapshot_settings, monkeypatch):
    """Unread count in the status bar, the newest notification highlighted with its text below."""
    monkeypatch.setenv("TZ", "UTC")  # times are shown in local time
    time.tzset()
    _notifications(snapshot_settings.database_url)

    async def open_centre(pilot):
        await _login(pilot, "agent")
        await pilot.press("ctrl+b")
        await settle(pilot)

    try:
        assert snap_compare(make_app(snapshot_settings), terminal_size=SIZE, run_before=open_centre)
    finally:
        monkeypatch.undo()  # the zone is process-wide: give the next test the one it started with
        time.tzset()
