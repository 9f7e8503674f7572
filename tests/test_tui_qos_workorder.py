"""Issue 27 in the TUI: the quality-of-service screen (Alt+Q: agreed against actual as a chart above the report,
a bad day under the period, Enter on a contract for its breaches) and a work order raised from the inquiry
screen (W: the address from the customer's equipment, a refused value under its field with what was typed
kept, then the order on the inquiry's timeline). The QoS picture at 80×24 uses a fixed past period, so it does
not change with the calendar; update deliberately: --snapshot-update, then look at it."""

from __future__ import annotations

from helpers import act, demo_people, press_and_settle, settle, settle_until
from sqlmodel import select
from test_snapshots import _login
from textual.widgets import Input, Static

from crmterm.app import make_app
from crmterm.screens.inquiry.inquiry_view import InquiryScreen
from crmterm.screens.reports.qos_view import QosBreaches, QosScreen
from crmterm.screens.service.workorder_form import WorkOrderDialog
from crmterm.services.accounts.permissions import SYSTEM
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.services.service import workorders
from crmterm.store import ServiceAsset
from crmterm.store.db import unit_of_work
from crmterm.widgets.report_chart import BarChart
from crmterm.widgets.report_grid import ReportGrid


async def test_the_qos_screen_charts_agreed_against_actual_and_lists_a_contracts_breaches(ui_settings):
    async with make_app(ui_settings).run_test(size=(120, 36)) as pilot:
        await _login(pilot, "supervisor")
        await press_and_settle(pilot, "alt+q")
        screen = pilot.app.screen
        assert isinstance(screen, QosScreen)
        grid, chart = screen.query_one(ReportGrid), screen.query_one(BarChart)
        assert [row[0] for row in grid.shown_rows()] == ["SVC-2019-NORD", "SVC-GOLD-NORD", "SVC-SILVER-NSK"]
        assert [label for label, _value, _shown in chart.bars[2:4]] == ["SVC-GOLD-NORD agreed", "SVC-GOLD-NORD actual"]
        assert chart.bars[2][2] == "2:00"  # two hours agreed, side by side with what happened
        await press_and_settle(pilot, "f6")
        assert chart.title.startswith("Resolution") and chart.bars[2][2] == "8:00"
        screen.query_one("#qos-from", Input).value = "2026-13-01"
        await press_and_settle(pilot, "ctrl+r")
        assert "expected a date" in str(screen.query_one("#qos-e-from", Static).content)
        assert grid.row_count == 3  # the last result stays
        grid.focus()
        grid.move_cursor(row=1)
        await press_and_settle(pilot, "enter")
        assert isinstance(pilot.app.screen, QosBreaches) and pilot.app.screen.contract == "SVC-GOLD-NORD"


def _inquiry_with_equipment(url: str) -> tuple[int, str]:
    """A "no home internet" inquiry of a customer with a router at home, and the router's address."""
    with unit_of_work(url) as session:
        party, address = session.exec(select(ServiceAsset.party_id, ServiceAsset.address)
                                      .where(ServiceAsset.serial == "RT-HOME-0001")).one()
    draft = ContactDraft(channel="phone", place="cc_msk", customer=party, inquiries=[
        {"topic": "home_no_connection", "values": {"problem_since": "2026-12-07 10:00"}}])
    return act(url, register, demo_people(url)["agent"], draft=draft).inquiry_ids[0], address


async def test_a_work_order_is_raised_from_the_inquiry_screen(ui_settings):
    url = ui_settings.database_url
    inquiry_id, address = _inquiry_with_equipment(url)
    async with make_app(ui_settings).run_test(size=(120, 36)) as pilot:
        await _login(pilot, "agent")
        pilot.app.push_screen(InquiryScreen(inquiry_id))
        await settle(pilot)
        await press_and_settle(pilot, "w")
        dialog = pilot.app.screen
        assert isinstance(dialog, WorkOrderDialog)
        assert dialog.query_one("#f-address", Input).value == address
        await pilot.press(*"Replace the router")  # the task field has the focus
        for field, value in (("skills", "fiber:2"), ("region", "moscow"), ("from", "9am")):
            dialog.query_one(f"#f-{field}", Input).value = value
        await press_and_settle(pilot, "ctrl+s")
        assert "09:00" in str(dialog.query_one("#e-from", Static).content)
        assert dialog.query_one("#f-tasks", Input).value == "Replace the router"  # what was typed stays
        dialog.query_one("#f-from", Input).value = "10:00"
        await pilot.press("ctrl+s")
        await settle_until(pilot, lambda: isinstance(pilot.app.screen, InquiryScreen))
        await settle(pilot)
        shown = pilot.app.screen.inquiry  # loaded again: the timeline shows the planned order
        assert shown is not None and any(event.kind == "work_order" for event in shown.events)
    (order,) = act(url, workorders.list_work_orders, SYSTEM, inquiry_id=inquiry_id)
    assert (order.tasks, order.skills, order.window_from, order.address) == (
        ["Replace the router"], {"fiber": 2}, "10:00", address)


def test_qos_screen_small(snap_compare, snapshot_settings):
    async def run(pilot):
        await _login(pilot, "supervisor")
        await pilot.app.push_screen(QosScreen())
        await settle(pilot)
        pilot.app.screen.query_one("#qos-from", Input).value = "2025-01-01"
        pilot.app.screen.query_one("#qos-to", Input).value = "2025-01-31"
        await press_and_settle(pilot, "ctrl+r")

    assert snap_compare(make_app(snapshot_settings), terminal_size=(80, 24), run_before=run)
