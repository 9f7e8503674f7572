"""F2 in the TUI switches the language at once for this user only (issue 19 item 13): stored in the database,
applied at this user's next log-in, never written to config.yaml for everyone."""

from __future__ import annotations

from sqlmodel import select
from textual.widgets import TabbedContent

from crmterm.app import make_app
from crmterm.i18n import current_language, set_language
from crmterm.store import User, UserPreference
from crmterm.store.db import unit_of_work
from helpers import settle
from test_snapshots import _login

SIZE = (120, 36)


def _stored(url: str) -> dict[str, str]:
    with unit_of_work(url) as session:
        rows = session.exec(select(User.login, UserPreference.value).join(User, User.id == UserPreference.user_id)
                            .where(UserPreference.key == "language")).all()
    return dict(rows)


async def test_the_language_follows_the_user_not_the_workstation(ui_settings):
    try:
        async with make_app(ui_settings).run_test(size=SIZE) as pilot:
            await _login(pilot, "agent")
            await pilot.app.switch_language("ru")
            await settle(pilot)
            assert current_language() == "ru"
            assert str(pilot.app.screen.query_one(TabbedContent).get_tab("register").label) == "Регистрация"
            assert _stored(ui_settings.database_url) == {"agent": "ru"}
            assert not ui_settings.where.config_file.exists()  # not the installation's language

            await pilot.press("ctrl+o")  # log out: the next user starts in the installation's language
            await settle(pilot)
            assert current_language() == "en"
            await _login(pilot, "supervisor")
            assert current_language() == "en"
            await pilot.press("ctrl+o")
            await settle(pilot)

            await _login(pilot, "agent")  # back in Russian at once
            assert current_language() == "ru"
            assert str(pilot.app.screen.query_one(TabbedContent).get_tab("register").label) == "Регистрация"
    finally:
        set_language("en")
