"""Skills routing in the TUI (issue 24, item 4): a log-in marks the user present (supervisors count who can
take each queue's work); an admin gives an agent skills in the Users form by keyboard (saving an account from
the form also keeps its user groups: the form hands them over as text)."""

from __future__ import annotations

from sqlmodel import select
from textual.widgets import DataTable, Input

from crmterm.app import make_app
from crmterm.services.accounts import presence
from crmterm.services.accounts.permissions import SYSTEM
from crmterm.services.routing import agent_skills
from crmterm.store import User
from crmterm.store.db import unit_of_work
from crmterm.screens.admin.admin_areas import AREAS
from helpers import settle
from test_tui import SIZE, _open_admin


async def test_admin_gives_an_agent_skills_in_the_users_form(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _open_admin(pilot)
        with unit_of_work(ui_settings.database_url) as session:  # logged in: present for supervisors' counts
            admin_id = session.exec(select(User.id).where(User.login == "admin")).one()
            assert admin_id in presence.online_ids(session)
        await pilot.press("home", *["down"] * list(AREAS).index("users"))  # by name: areas get added
        await settle(pilot)
        assert panel.area.name == "users"
        table = panel.query_one("#entries", DataTable)
        table.focus()
        table.move_cursor(row=table.get_row_index("agent"))
        await pilot.press("enter")
        await settle(pilot)
        skills = panel.query_one("#f-skills", Input)
        assert skills.value == '{"en": 1, "ru": 5, "billing_disputes": 3}'  # the demo agent's skills
        skills.focus()
        skills.value = ""
        await pilot.press(*"en: 4, mobile_internet: 2", "ctrl+s")
        await settle(pilot)
        with unit_of_work(ui_settings.database_url) as session:
            saved = agent_skills.list_skills(session=session, actor=SYSTEM, login="agent")
        assert {s.skill: s.level for s in saved} == {"en": 4, "mobile_internet": 2}
        assert panel.query_one("#f-skills", Input).value == '{"en": 4, "mobile_internet": 2}'
        assert panel.query_one("#f-groups", Input).value == "l1"
