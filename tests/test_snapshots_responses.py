"""The response library at 80×24: the picker over the inquiry screen (the topic's answers first, the
highlighted one's text below) and its admin area (the template's field with the variables named).
Update deliberately: --snapshot-update, then look at the pictures."""

from __future__ import annotations

from helpers import settle
from test_snapshots import _inquiry_in_billing, _login
from test_snapshots_small import SMALL, _walk, utc  # noqa: F401 - utc is a fixture

from crmterm.app import make_app
from crmterm.screens.admin.admin_areas import AREAS


def test_response_picker_small(snap_compare, snapshot_settings, utc):  # noqa: F811
    from crmterm.screens.inquiry.inquiry_view import InquiryScreen

    inquiry_id = _inquiry_in_billing(snapshot_settings.database_url)

    async def run(pilot):
        await _login(pilot, "agent")
        pilot.app.push_screen(InquiryScreen(inquiry_id))
        await settle(pilot)
        await pilot.press("alt+r", *"terms")
        await settle(pilot)

    assert snap_compare(make_app(snapshot_settings), terminal_size=SMALL, run_before=run)


def test_response_admin_small(snap_compare, snapshot_settings):
    """Admin → Response library, the first answer open in the form (the arrows typed ahead in one burst: the
    list takes each, and one settle after them costs a twentieth of one per key). The count of arrows is read
    from the list of areas, so an area added before it does not move the picture to another one."""
    async def run(pilot):
        await _walk("admin", "f10")(pilot)
        await pilot.press(*["down"] * list(AREAS).index("responses"))
        await settle(pilot)
        await pilot.press("tab")
        await settle(pilot)
    assert snap_compare(make_app(snapshot_settings), terminal_size=SMALL, run_before=run)
