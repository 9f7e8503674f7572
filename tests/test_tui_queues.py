"""Pilot tests of the Queues tab: counts, take next, keyset paging, live refresh from another agent, sorting,
saved filters, and supervisors' group operations (per-row results; all or nothing)."""

from __future__ import annotations

from sqlmodel import select
from textual.widgets import Input, Select, Tabs

from crmterm.app import make_app
from crmterm.i18n import set_language
from crmterm.screens.common.dialogs import ConfirmScreen, PromptScreen
from crmterm.screens.inquiry.inquiry_view import InquiryScreen
from crmterm.screens.queues.queue_bulk import BulkDialog, BulkResults
from crmterm.screens.queues.queues import QueuesPanel
from crmterm.services.inquiries import inquiry_actions
from crmterm.services.routing import queues, saved_filters
from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.store import Inquiry, Queue
from crmterm.store.db import unit_of_work
from crmterm.widgets.queue_list import QueueList
from helpers import AGENT, SUPERVISOR, settle
from test_tui import SIZE, _login

AGENT2 = Actor(login="agent2", role=Role.AGENT, id=4)  # the demo's second agent, also on the first line
DISPUTE = {"topic": "disputed_charge", "values": {"amount": "100", "dispute_reason": "double_charge",
                                                  "charge_date": "2026-01-01", "approval_reference": "A-1"}}


def register_disputes(url: str, count: int, per_contact: int = 10) -> None:
    """`count` complaints routed into the first line (several per contact keeps this quick)."""
    with unit_of_work(url) as session:
        while count > 0:
            batch = min(count, per_contact)
            draft = ContactDraft.model_validate({"channel": "phone", "place": "cc_msk", "customer": 1,
                                                 "inquiries": [DISPUTE] * batch})
            register(session=session, actor=AGENT, draft=draft)
            count -= batch


def _queue_of(url: str, inquiry_id: int) -> str:
    with unit_of_work(url) as session:
        return session.exec(select(Queue.code).join(Inquiry, Inquiry.queue_id == Queue.id)
                            .where(Inquiry.id == inquiry_id)).one()


async def _queues(pilot, login: str) -> QueuesPanel:
    await _login(pilot, login, login)
    await pilot.press("f11")
    await settle(pilot)
    return pilot.app.screen.query_one(QueuesPanel)


def _ids(panel: QueuesPanel) -> list[int]:
    return list(panel.table.shown)


def _counts(panel: QueuesPanel, code: str) -> tuple[int, int, int]:
    found = panel.query_one(QueueList).counts[code]
    return found.waiting, found.taken, found.overdue


async def test_agent_sees_counts_and_takes_the_next_inquiry(ui_settings):
    register_disputes(ui_settings.database_url, 3)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _queues(pilot, "agent")
        assert list(panel.query_one(QueueList).counts) == ["first_line", "billing_bo", "quality_check",
                                                           "order_completion", "collections"]
        assert _counts(panel, "first_line") == (3, 0, 0)
        assert _ids(panel) == [1, 2, 3] and pilot.app.focused is panel.table
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(pilot.app.screen, InquiryScreen) and pilot.app.screen.inquiry_id == 1
        await pilot.press("escape")
        await settle(pilot)
        assert _counts(panel, "first_line") == (2, 1, 0)
        assert panel.table.shown[1].assignee == "agent" and panel.table.shown[1].state == "taken"
        await pilot.press("enter")  # the cursor stayed on #1: Enter opens it
        await settle(pilot)
        assert isinstance(pilot.app.screen, InquiryScreen) and pilot.app.screen.inquiry_id == 1


async def test_pages_of_fifty_are_fetched_as_the_cursor_reaches_the_bottom(ui_settings):
    register_disputes(ui_settings.database_url, 120)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _queues(pilot, "agent")
        assert panel.table.row_count == 50 and panel.cursor is not None
        assert "shown: 50+" in str(panel.query_one("#queue-title").content)
        await pilot.press("ctrl+end")
        await settle(pilot)
        assert panel.table.row_count == 100
        await pilot.press("ctrl+end")
        await settle(pilot)
        assert _ids(panel) == list(range(1, 121)) and panel.cursor is None


async def test_another_agent_taking_an_inquiry_shows_at_once(ui_settings):
    register_disputes(ui_settings.database_url, 2)
    await _another_agent_takes_one(ui_settings)


async def test_sorting_by_age_descending_requeries_from_the_start(ui_settings):
    register_disputes(ui_settings.database_url, 60)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _queues(pilot, "agent")
        await pilot.press("f7", "f7")  # work order → deadline → age
        await settle(pilot)
        assert panel.sort == "age" and _ids(panel)[:2] == [1, 2]
        await pilot.press("f8")
        await settle(pilot)
        assert panel.descending and _ids(panel)[:2] == [60, 59] and panel.table.row_count == 50


async def test_filter_tabs_and_a_saved_filter(ui_settings):
    register_disputes(ui_settings.database_url, 3)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _queues(pilot, "agent")
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        panel.query_one(Tabs).active = "f-mine"
        await settle(pilot)
        assert _ids(panel) == [1]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, PromptScreen)
        await pilot.press(*"My <b>work</b>", "enter")
        await settle(pilot)
        assert panel.query_one(Tabs).active == "s-0" and _ids(panel) == [1]
        with unit_of_work(ui_settings.database_url) as session:
            actor = Actor(login="agent", role=Role.AGENT, id=3)
            saved = saved_filters.list_filters(session=session, actor=actor)
        assert [(s.name, s.where.assignee, s.where.queue) for s in saved] == [("My <b>work</b>", "me", "first_line")]
        await pilot.press("ctrl+delete")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert panel.query_one(Tabs).active == "f-open" and _ids(panel) == [1, 2, 3]


async def _group_action(pilot, operation: str, value: str) -> None:
    await pilot.press("f6")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, BulkDialog)
    dialog.query_one(Select).value = operation
    dialog.query_one("#bulk-value", Input).focus()
    await pilot.press(*value, "enter")
    await settle(pilot)


async def test_supervisor_transfers_marked_inquiries_and_sees_each_row(ui_settings):
    register_disputes(ui_settings.database_url, 3)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _queues(pilot, "supervisor")
        await pilot.press("space", "space")  # marks #1 and #2
        assert panel.table.marked == {1, 2}
        await _group_action(pilot, "transfer", "billing_bo")
        results = pilot.app.screen
        assert isinstance(results, BulkResults) and not results.failed
        assert [(r.id, r.ok) for r in results.results] == [(1, True), (2, True)]
        assert str(results.query_one("#bulk-title").content) == "Inquiries changed: 2"
        await pilot.press("escape")
        await settle(pilot)
        assert _ids(panel) == [3] and _counts(panel, "billing_bo") == (2, 0, 0) and not panel.table.marked
    assert [_queue_of(ui_settings.database_url, i) for i in (1, 2, 3)] == ["billing_bo", "billing_bo", "first_line"]


async def test_a_failing_row_changes_nothing_and_is_named(ui_settings):
    register_disputes(ui_settings.database_url, 2)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _queues(pilot, "supervisor")
        await pilot.press("space", "space")
        await pilot.press("f6")
        await settle(pilot)
        with unit_of_work(ui_settings.database_url) as session:  # closed by someone else meanwhile
            inquiry_actions.close(session=session, actor=SUPERVISOR, inquiry_id=2, resolution="refunded")
        dialog = pilot.app.screen
        dialog.query_one(Select).value = "priority"
        dialog.query_one("#bulk-value", Input).focus()
        await pilot.press(*"low", "enter")
        await settle(pilot)
        results = pilot.app.screen
        assert isinstance(results, BulkResults) and results.failed
        assert [(r.id, r.ok) for r in results.results] == [(1, True), (2, False)]
        assert str(results.query_one("#bulk-title").content) == "Nothing was changed: 1 of 2 inquiries failed"
        await pilot.press("escape")
        await settle(pilot)
        assert _ids(panel) == [1] and panel.table.shown[1].priority == "high"


async def test_agents_have_no_group_action_key(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _queues(pilot, "agent")
        assert panel.check_action("bulk", ()) is False
        keys = {binding.id for _key, (_n, binding, enabled, _t) in pilot.app.screen.active_bindings.items()
                if enabled}
        assert "queues.take" in keys and "queues.bulk" not in keys


async def test_live_refresh_on_postgresql_listens_for_changes(postgresql_demo_url, tmp_path):
    """PostgreSQL tells the tab through LISTEN/NOTIFY instead of a polled data version."""
    from crmterm.locations import locations
    from crmterm.settings import Settings
    register_disputes(postgresql_demo_url, 2)
    settings = Settings(database_url=postgresql_demo_url, where=locations({"CRMTERM_HOME": str(tmp_path / "home")}))
    await _another_agent_takes_one(settings)


async def _another_agent_takes_one(settings) -> None:
    """The agent's open Queues tab shows agent2's take within the watcher's one-second poll."""
    async with make_app(settings).run_test(size=SIZE) as pilot:
        panel = await _queues(pilot, "agent")
        assert panel.table.shown[1].assignee is None and _counts(panel, "first_line") == (2, 0, 0)
        with unit_of_work(settings.database_url) as session:
            assert queues.take_next(session=session, actor=AGENT2, queue="first_line") == 1
        await pilot.pause(1.5)
        await settle(pilot)
        assert panel.table.shown[1].assignee == "agent2" and _counts(panel, "first_line") == (1, 1, 0)


async def test_a_language_switch_keeps_the_queue_filter_and_sort(ui_settings):
    register_disputes(ui_settings.database_url, 3)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _queues(pilot, "supervisor")
        panel.query_one(QueueList).highlighted = 2  # billing back office
        await settle(pilot)
        panel.query_one(QueueList).highlighted = 0
        panel.query_one(Tabs).active = "f-waiting"
        await pilot.press("f8")
        await settle(pilot)
        try:
            await pilot.app.switch_language("ru")
            await settle(pilot)
            panel = pilot.app.screen.query_one(QueuesPanel)
            assert (panel.list_code, panel.tab_id, panel.descending) == ("first_line", "f-waiting", True)
            assert _ids(panel) == [3, 2, 1] and panel.query_one(Tabs).active == "f-waiting"
            assert "Первая линия" in str(panel.query_one("#queue-title").content)
        finally:
            set_language("en")  # the language is process-wide: later tests expect English
