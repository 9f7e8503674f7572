"""Register warns of an anonymous caller whose number is blacklisted (issue 28, item 5): the demo's fraud number
typed into the caller box finds no customer, and the blacklist's warning shows all the same."""

from __future__ import annotations

from textual.widgets import Static

from crmterm.app import make_app
from helpers import press_and_settle, settle


async def test_register_warns_of_an_anonymous_callers_blacklisted_number(ui_settings):
    async with make_app(ui_settings).run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.click("#login")
        await press_and_settle(pilot, *"agent", "enter", *"agent", "enter")
        await press_and_settle(pilot, "f4", *"8 916 555-12-34", "enter")
        warning = pilot.app.screen.query_one("#reg-blacklist", Static)
        for _round in range(50):  # the caller is looked up by a worker
            if warning.display:
                break
            await pilot.pause(0.1)
        assert warning.display and "+79165551234" in str(warning.content) and "fraud" in str(warning.content)
        assert "Anonymous caller" in str(pilot.app.screen.query_one("#reg-whom", Static).content)
