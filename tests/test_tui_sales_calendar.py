"""The sales calendar in the TUI (issue 26, item 4): Alt+Y opens the week of the signed-in seller with the demo's
activities by day; D shows one day, Left goes back a day where yesterday's open call is overdue (in the error
colour), Space marks it done with its outcome, N plans a new activity on the chosen day, Enter opens one."""

from __future__ import annotations

from datetime import timedelta

from helpers import demo_people, settle
from test_tui import SIZE, _login
from textual.widgets import OptionList

from crmterm.app import make_app
from crmterm.screens.sales.activity_view import ActivityScreen, NewActivityScreen
from crmterm.screens.sales.calendar import CalendarScreen
from crmterm.services.customers import structures
from crmterm.services.sales import activities
from crmterm.store.db import unit_of_work


def _agents(url: str, **filters) -> list[activities.ActivityRead]:
    with unit_of_work(url) as session:
        return activities.list_activities(session=session, actor=demo_people(url)["agent"], **filters)


async def test_the_calendar_shows_marks_done_and_plans_activities(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "agent", "agent")
        await pilot.press("alt+y")
        await settle(pilot)
        screen = pilot.app.screen
        today = structures.today()
        assert isinstance(screen, CalendarScreen) and len(screen.query(".calendar-list")) == 7
        todays = screen.query_one(f"#day-{today.isoformat()}", OptionList)
        assert any("Requirements workshop" in str(o.prompt) for o in todays.options)
        await pilot.press("d", "left")
        await settle(pilot)
        yesterday = screen.query_one(f"#day-{(today - timedelta(days=1)).isoformat()}", OptionList)
        late = next(o for o in yesterday.options if "Follow up on the offer" in str(o.prompt))
        assert "red" in str(late.prompt.style)  # overdue: open and past
        yesterday.highlighted = yesterday.options.index(late)
        await pilot.press("space")
        await settle(pilot)
        await pilot.press(*"Called back", "enter")
        await settle(pilot)
        done = next(a for a in _agents(ui_settings.database_url, opportunity_id=None) if a.id == int(late.id or 0))
        assert (done.state, done.outcome) == ("done", "Called back")
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(pilot.app.screen, NewActivityScreen)
        await pilot.press(*"Plan the demo", "enter")
        await settle(pilot)
        made = [a for a in _agents(ui_settings.database_url) if a.title == "Plan the demo"]
        assert len(made) == 1 and made[0].starts_at.astimezone().date() == today - timedelta(days=1)
        yesterday = screen.query_one(OptionList)
        yesterday.focus()
        yesterday.highlighted = next(i for i, o in enumerate(yesterday.options) if "Plan the demo" in str(o.prompt))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ActivityScreen) and pilot.app.screen.found.title == "Plan the demo"
