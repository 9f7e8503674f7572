"""Query lists in the TUI (issue 31 item 1): Admin → Query lists, Ctrl+R previews the definition as the form holds
it for a sample customer typed in the dialog; a list that fails shows its error under the attribute in the
agent's form. One picture at 80×24; update it deliberately (--snapshot-update, then look)."""

from __future__ import annotations

import pytest
from helpers import ADMIN, act, press_and_settle, settle, settle_until
from test_snapshots_small import SMALL, _walk
from test_tui_register import _a_subscriber, _agent, _caller_and_topic

from crmterm.app import make_app
from crmterm.screens.admin.admin_areas import AREAS
from crmterm.screens.admin.list_query_preview import ListQueryPreviewScreen
from crmterm.services.directory import directory


async def _preview_demo_list(pilot, customer: str = "1") -> ListQueryPreviewScreen:
    """The demo's first query list (customer_active_subscribers) in the form, previewed for `customer`."""
    await _walk("admin", "f10")(pilot)
    await pilot.press(*["down"] * list(AREAS).index("list_queries"))
    await settle(pilot)
    await press_and_settle(pilot, "ctrl+r", *customer, "enter")
    await settle_until(pilot, lambda: isinstance(pilot.app.screen, ListQueryPreviewScreen)
                       and pilot.app.screen.query_one("#preview-rows").row_count > 0)
    return pilot.app.screen


def test_list_query_preview_small(snap_compare, snapshot_settings):
    """The Nord group's three active numbers, as the Register form would offer them."""
    async def run(pilot):
        await _preview_demo_list(pilot)
    assert snap_compare(make_app(snapshot_settings), terminal_size=SMALL, run_before=run)


@pytest.mark.slow  # the picture above walks the same way; this adds the definition typed and not saved
async def test_an_admin_previews_a_list_as_typed_and_not_saved(ui_settings):
    async with make_app(ui_settings).run_test(size=(120, 36)) as pilot:
        dialog = await _preview_demo_list(pilot)
        rows = dialog.query_one("#preview-rows")
        assert rows.row_count == 3 and str(dialog.query_one("#preview-status").render()) == "Rows: 3"
        await press_and_settle(pilot, "escape")
        form = pilot.app.screen.query_one("#form")
        form.query_one("#f-value_field").value = "password"  # typed, not saved: the preview refuses it
        await press_and_settle(pilot, "ctrl+r", "1", "enter")
        await settle_until(pilot, lambda: "value_field" in str(pilot.app.screen.query_one("#preview-status").render()))
        status = str(pilot.app.screen.query_one("#preview-status").render())
    assert status.startswith("value_field: unknown field 'password' of subscribers")


async def test_a_list_that_fails_is_an_error_under_its_field_and_the_form_stays_usable(ui_settings):
    act(ui_settings.database_url, directory.set_active, ADMIN, kind="list_queries", key="customer_subscribers",
        active=False, expected_version=None)
    number = _a_subscriber(ui_settings.database_url)
    async with make_app(ui_settings).run_test(size=(120, 36)) as pilot:
        panel = await _agent(pilot)
        await _caller_and_topic(pilot, panel, number, "1.6")  # Billing › Refund: the number from the list
        panel.query_one("#a-amount").focus()
        await press_and_settle(pilot, *"750")
        error = str(panel.query_one("#ae-affected_number").content)
        amount = panel.query_one("#a-amount").value
    assert error == "list query 'customer_subscribers' is not configured or not active"
    assert amount == "750"
