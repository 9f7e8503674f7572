"""The agent's own workspace at 80×24 (issue 31 item 6): the Dashboard tab with its six tiles (one failing, to
show how) and the Customise workspace screen. The tiles' numbers depend on today's date, so the picture is drawn
from fixed tiles: what is pictured is the look; test_workspace.py tests the numbers. Update deliberately:
--snapshot-update, then look at the pictures."""

from __future__ import annotations

from helpers import press_and_settle
from sqlmodel import select
from test_snapshots import _login
from test_snapshots_small import SMALL, utc  # noqa: F401 - the fixture

from crmterm.app import make_app
from crmterm.services.accounts import workspace
from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.work import dashboard
from crmterm.services.work.dashboard import Tile, TileLine
from crmterm.store import User
from crmterm.store.db import unit_of_work

FIXED = {
    "my_open": Tile(code="my_open", value=4),
    "my_overdue": Tile(code="my_overdue", value=1),
    "registered_today": Tile(code="registered_today", value=12, lines=[TileLine(label="mine", value=12),
                                                                        TileLine(label="my groups", value=57)]),
    "queue_sizes": Tile(code="queue_sizes", value=9, lines=[TileLine(label="First line", value=6),
                                                             TileLine(label="Billing", value=3),
                                                             TileLine(label="Technical", value=0)]),
    "my_week": Tile(code="my_week", value=40, lines=[TileLine(label=f"0{day}.03", value=n) for day, n in
                                                      zip(range(1, 8), (5, 8, 0, 11, 7, 3, 6))]),
}


def _fixed_tile(*, session, actor, code: str) -> Tile:
    if code not in FIXED:
        raise RuntimeError("database: connection lost")
    return FIXED[code]


def test_dashboard_small(snap_compare, snapshot_settings, utc, monkeypatch):  # noqa: F811 - the fixture
    monkeypatch.setattr(dashboard, "tile", _fixed_tile)
    with unit_of_work(snapshot_settings.database_url) as session:  # the agent put the Dashboard first
        agent = session.exec(select(User).where(User.login == "agent")).one()
        workspace.set_workspace(session=session, actor=Actor(login="agent", role=Role.AGENT, id=agent.id),
                                layout={"tabs": ["dashboard", "register", "work", "customers", "queues"],
                                        "hidden_tabs": ["home"]})

    async def run(pilot):
        await _login(pilot, "agent")

    assert snap_compare(make_app(snapshot_settings), terminal_size=SMALL, run_before=run)


def test_customise_workspace_small(snap_compare, snapshot_settings, utc):  # noqa: F811 - the fixture
    async def run(pilot):
        await _login(pilot, "agent")
        await press_and_settle(pilot, "alt+u")
        await press_and_settle(pilot, "down", "space", "alt+up")  # My work hidden and moved first

    assert snap_compare(make_app(snapshot_settings), terminal_size=SMALL, run_before=run)
