"""The dispatch board (issue 27, item 4): opened with Alt+V by a dispatcher, A gives the highlighted unassigned
order to the proposed technician; pictures at 80×24 and 120×36 of a fixed week (the orders are made for it, so
the picture does not change with the calendar). Update deliberately: --snapshot-update, then look at them."""

from __future__ import annotations

from datetime import date, timedelta

from crmterm.app import make_app
from crmterm.screens.service.dispatch_board import DispatchBoardScreen
from crmterm.services.accounts.permissions import SYSTEM
from crmterm.services.service import dispatch, workorders, workorders_flow
from helpers import act, press_and_settle, settle
from test_snapshots import _login
from test_work_orders import no_connection

WEEK = date(2026, 12, 7)  # a Monday


def board_orders(url: str, day: date) -> list[int]:
    """One visit booked for tech1 on `day`, and three unassigned: for tech2 (tech1 is busier), for tech3 in the
    Urals the next day, and one nobody qualifies for."""
    inquiry = no_connection(url)

    def order(region: str, window: str, skills: str, on: date) -> int:
        return act(url, workorders.create_work_order, SYSTEM, inquiry_id=inquiry, region=region,
                   window=f"{on} {window}", skills=[skills], tasks=["Check the line"]).id

    booked = order("moscow", "10:00-12:00", "fiber:2", day)
    act(url, workorders_flow.dispatch, SYSTEM, work_order_id=booked, technician="tech1")
    return [booked, order("moscow", "10:00-12:00", "router_setup:2", day),
            order("ural", "14:00-17:00", "fiber:2", day + timedelta(days=1)),
            order("moscow", "09:00-11:00", "fiber:5", day + timedelta(days=2))]


async def test_a_dispatcher_assigns_the_proposed_technician_with_one_key(ui_settings):
    _booked, loose, *_rest = board_orders(ui_settings.database_url, date.today())
    async with make_app(ui_settings).run_test(size=(120, 36)) as pilot:
        await _login(pilot, "supervisor")
        await press_and_settle(pilot, "alt+v")
        assert isinstance(pilot.app.screen, DispatchBoardScreen)
        assert pilot.app.screen.highlighted().id == loose
        await press_and_settle(pilot, "a")
        await settle(pilot)
    shown = act(ui_settings.database_url, workorders.get_work_order, SYSTEM, work_order_id=loose)
    assert (shown.state, shown.technician) == ("dispatched", "tech2")


def _board(size: tuple[int, int]):
    async def run(pilot) -> None:
        await _login(pilot, "supervisor")
        await pilot.app.push_screen(DispatchBoardScreen(start=WEEK))
        await settle(pilot)
    return run


def test_dispatch_board_small(snap_compare, snapshot_settings):
    board_orders(snapshot_settings.database_url, WEEK + timedelta(days=1))
    assert snap_compare(make_app(snapshot_settings), terminal_size=(80, 24), run_before=_board((80, 24)))


def test_dispatch_board_large(snap_compare, snapshot_settings):
    board_orders(snapshot_settings.database_url, WEEK + timedelta(days=1))
    assert act(snapshot_settings.database_url, dispatch.board, SYSTEM, start=WEEK).unassigned
    assert snap_compare(make_app(snapshot_settings), terminal_size=(120, 36), run_before=_board((120, 36)))
