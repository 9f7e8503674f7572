"""Pilot test of the business-function dialog: opened from the command palette over an inquiry, it offers the
installed functions with a typed form, names a refused value under its field, runs the function and the
inquiry's timeline shows it."""

from __future__ import annotations

from textual.widgets import Input, Select, Static

from crmterm.app import make_app
from crmterm.screens.inquiry.function_dialog import FunctionDialog
from crmterm.screens.inquiry.inquiry_view import InquiryScreen
from helpers import notices, settle
from test_tui import SIZE
from test_tui_inquiry import _open, _read, _register


async def test_a_business_function_runs_from_the_palette_with_typed_parameters(ui_settings):
    inquiry_id = _register(ui_settings.database_url, "100")
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _open(pilot, "agent", inquiry_id)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"business function")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, FunctionDialog)
        assert dialog.query_one("#function-name", Select).value == "send_balance_sms"
        assert dialog.query_one("#function-inquiry", Input).value == str(inquiry_id)  # the open inquiry
        assert dialog.query_one("#p-currency", Select).value == "RUB"
        dialog.query_one("#p-balance", Input).value = "lots"
        dialog.query_one("#p-phone", Input).value = "+79161234567"
        await pilot.press("ctrl+s")
        await settle(pilot)
        error = dialog.query_one("#e-p-balance", Static)
        assert error.display and "expected a number" in str(error.content)
        assert pilot.app.screen is dialog  # stays open with what was typed
        dialog.query_one("#p-balance", Input).value = "99.9"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, InquiryScreen)
        assert any("99.90 RUB" in str(n.message) for n in notices(pilot.app))
        assert pilot.app.screen.inquiry.events[-1].kind == "function"  # the inquiry screen reloaded
    assert _read(ui_settings.database_url, inquiry_id).events[-1].data["function"] == "send_balance_sms"
