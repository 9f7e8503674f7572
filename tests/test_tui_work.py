"""Pilot tests of callbacks and My work in the TUI: Alt+L on the inquiry screen schedules a callback (a refused
window shows under its field, what was typed stays); the My work tab lists the demo's due callbacks and tasks,
and Enter on a callback registers the outbound call and opens its inquiry."""

from __future__ import annotations

from helpers import register_disputed_charge, settle
from sqlmodel import select
from test_tui import SIZE, _login

from crmterm.app import make_app
from crmterm.screens.inquiry.callback_dialog import CallbackDialog
from crmterm.screens.inquiry.inquiry_view import InquiryScreen
from crmterm.screens.work.my_work import MyWorkPanel
from crmterm.store import Callback, Contact
from crmterm.store.db import unit_of_work
from crmterm.widgets.entry_form import EntryForm


async def test_alt_b_on_an_inquiry_schedules_a_callback_and_keeps_the_input_after_an_error(ui_settings):
    inquiry_id = register_disputed_charge(ui_settings.database_url)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "agent", "agent")
        pilot.app.push_screen(InquiryScreen(inquiry_id))
        await settle(pilot)
        await pilot.press("alt+l")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, CallbackDialog) and dialog.start.inquiry_id == inquiry_id
        form = dialog.query_one(EntryForm)
        form.load({"number": "+7 916 100-00-01", "from": "2026-12-24 15:00", "to": "2026-12-24 14:00",
                   "note": "the refund"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert str(dialog.query_one("#e-to").content) == "the window must end after it starts"
        assert form.values()["note"] == "the refund"
        form.load({**form.values(), "to": "2026-12-24 16:00"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, InquiryScreen)
    with unit_of_work(ui_settings.database_url) as session:
        made = session.exec(select(Callback).where(Callback.inquiry_id == inquiry_id)).one()
    assert (made.number, made.note, made.state) == ("+79161000001", "the refund", "scheduled")


async def test_my_work_lists_due_callbacks_and_enter_registers_the_call(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "agent", "agent")
        await pilot.press("alt+w")
        await settle(pilot)
        panel = pilot.app.screen.query_one(MyWorkPanel)
        kinds = [item.kind for item in panel.items.values()]
        assert kinds.count("callback") == 3 and kinds.count("task") == 2  # the demo's (one not due yet)
        first = next(key for key, item in panel.items.items() if item.kind == "callback")
        panel.table.move_cursor(row=panel.table.get_row_index(first))
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(*"tariff_info", "enter")  # no inquiry: the topic of the call
        await settle(pilot)
        assert isinstance(pilot.app.screen, InquiryScreen)
    callback_id = int(first.split(":")[1])
    with unit_of_work(ui_settings.database_url) as session:
        done = session.get(Callback, callback_id)
        contact = session.get(Contact, done.done_contact_id)
    assert (done.state, contact.direction) == ("done", "out")
