"""Callbacks and My work at 80×24 (issue 24, items 5 and 6): the My work tab with the demo's due callbacks
(one overdue) and tasks, and the Schedule callback dialog opened with Alt+L on an inquiry. The demo's windows
are set around the seeding moment: the pictures fix them first. Update deliberately: --snapshot-update, then
look at the pictures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from helpers import press_and_settle, register_disputed_charge, settle
from sqlalchemy import update
from sqlmodel import col, select
from test_snapshots import _login
from test_snapshots_small import SMALL, utc  # noqa: F401 - the fixture

from crmterm.app import make_app
from crmterm.store import Callback, WorkTask
from crmterm.store.db import unit_of_work

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


FAR = datetime(2099, 1, 1, 10, 0, tzinfo=UTC)  # a deadline still ahead whenever the test runs


def _fixed_windows(url: str) -> None:
    """The demo's overdue callback ends at T0+2h, the other due ones open at T0 and end far ahead; the one not
    due yet opens far ahead; the first task was due at T0+1d, the second is due far ahead."""
    with unit_of_work(url) as session:
        for row in session.exec(select(Callback).order_by(col(Callback.id))).all():
            due, overdue = row.window_from <= datetime.now(UTC), row.window_to <= datetime.now(UTC)
            start, end = (T0, T0 + timedelta(hours=2)) if overdue else (T0, FAR) if due else \
                (FAR, FAR + timedelta(hours=2))
            session.execute(update(Callback).where(col(Callback.id) == row.id).values(window_from=start, window_to=end))
        for n, task in enumerate(session.exec(select(WorkTask).order_by(col(WorkTask.id))).all()):
            session.execute(update(WorkTask).where(col(WorkTask.id) == task.id)
                            .values(due_at=T0 + timedelta(days=1) if n == 0 else FAR))


def test_my_work_small(snap_compare, snapshot_settings, utc):  # noqa: F811 - the fixture
    _fixed_windows(snapshot_settings.database_url)

    async def run(pilot):
        await _login(pilot, "agent")
        await press_and_settle(pilot, "alt+w")

    assert snap_compare(make_app(snapshot_settings), terminal_size=SMALL, run_before=run)


def test_schedule_callback_dialog_small(snap_compare, snapshot_settings, utc):  # noqa: F811 - the fixture
    from crmterm.screens.inquiry.inquiry_view import InquiryScreen
    from crmterm.widgets.entry_form import EntryForm

    inquiry_id = register_disputed_charge(snapshot_settings.database_url)

    async def run(pilot):
        await _login(pilot, "agent")
        pilot.app.push_screen(InquiryScreen(inquiry_id))
        await settle(pilot)
        await press_and_settle(pilot, "alt+l")
        form = pilot.app.screen.query_one(EntryForm)
        form.load({**form.values(), "number": "+7 916 100-00-01", "from": "2026-03-02 15:00", "to": "2026-03-02 14:00",
                   "note": "the refund"})
        await press_and_settle(pilot, "ctrl+s")  # refused: the message under "To", the input kept

    assert snap_compare(make_app(snapshot_settings), terminal_size=SMALL, run_before=run)
