"""Pilot tests: log-in, roles and tabs, directory CRUD through the form, validation, language switch."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static, TabbedContent

from crmterm.app import make_app
from crmterm.i18n import _, set_language
from crmterm.screens.admin.admin import AdminPanel
from crmterm.screens.shell.workspace import WorkspaceScreen
from crmterm.services.directory import directory
from crmterm.store.db import unit_of_work
from helpers import ADMIN, settle

SIZE = (120, 36)


async def _login(pilot, login: str, password: str) -> None:
    await settle(pilot)  # the app prepares the database first
    await pilot.click("#login")
    await pilot.press(*login, "enter", *password, "enter")
    await settle(pilot)


async def test_wrong_password_shows_a_message_and_keeps_the_login(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "agent", "wrong")
        assert str(pilot.app.screen.query_one("#login-error", Static).content) == "Wrong login or password"
        assert pilot.app.screen.query_one("#login", Input).value == "agent"
        assert not isinstance(pilot.app.screen, WorkspaceScreen)


async def test_agent_has_no_admin_tab_and_admin_has(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "agent", "agent")
        assert isinstance(pilot.app.screen, WorkspaceScreen)
        assert not pilot.app.screen.query("TabPane#admin")
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "admin", "admin")
        assert pilot.app.screen.query("TabPane#admin")  # its panel is built when the tab is first opened
        await pilot.press("f10")
        await settle(pilot)
        assert pilot.app.screen.query(AdminPanel)


async def _open_admin(pilot) -> AdminPanel:
    await _login(pilot, "admin", "admin")
    await pilot.press("f10")
    await pilot.pause()
    await settle(pilot)
    return pilot.app.screen.query_one(AdminPanel)


async def test_admin_creates_edits_and_deactivates_a_channel(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _open_admin(pilot)
        with unit_of_work(ui_settings.database_url) as session:  # the demo's channels, however many it has
            channels = len(directory.list_entries(session=session, actor=ADMIN, kind="channels"))
        assert panel.area.name == "channels" and panel.query_one("#entries", DataTable).row_count == channels
        await pilot.press("ctrl+n", *"pigeon", "tab", *"Pigeon post", "tab", *"Голубиная почта", "ctrl+s")
        await settle(pilot)
        with unit_of_work(ui_settings.database_url) as session:
            saved = directory.get_entry(session=session, actor=ADMIN, kind="channels", key="pigeon")
        assert saved.values["labels"] == {"en": "Pigeon post", "ru": "Голубиная почта"}
        assert panel.current.key == "pigeon" and "pigeon" in panel.entries

        await pilot.press("ctrl+t")  # deactivate asks first
        await pilot.press("y")
        await settle(pilot)
        with unit_of_work(ui_settings.database_url) as session:
            saved = directory.get_entry(session=session, actor=ADMIN, kind="channels", key="pigeon")
        assert saved.values["active"] is False and saved.version == 2


async def test_bad_value_is_shown_next_to_the_field_and_the_form_keeps_it(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _open_admin(pilot)
        await pilot.press("ctrl+n", *"bad code", "tab", *"Whatever", "ctrl+s")
        await settle(pilot)
        assert "letters, digits" in str(panel.query_one("#e-code", Static).content)
        assert panel.query_one("#f-code", Input).value == "bad code"
        assert panel.query_one("#f-labels-en", Input).value == "Whatever"


async def test_switching_to_russian_rerenders_the_current_screen(ui_settings):
    try:
        async with make_app(ui_settings).run_test(size=SIZE) as pilot:
            panel = await _open_admin(pilot)
            await pilot.press("down", "down")  # contact places
            await settle(pilot)
            await pilot.app.switch_language("ru")
            await settle(pilot)
            screen = pilot.app.screen
            tabs = screen.query_one(TabbedContent)
            assert tabs.active == "admin"
            assert str(tabs.get_tab("admin").label) == _("Admin") != "Admin"
            panel = screen.query_one(AdminPanel)
            assert panel.area.name == "places"
            assert "Колл-центр Москва" in {str(panel.query_one(DataTable).get_cell(k, "name"))
                                           for k in panel.entries}
        assert not ui_settings.where.config_file.exists()  # the user's choice, not the installation's
    finally:
        set_language("en")


async def test_keymap_file_remaps_a_binding_and_help_lists_binding_ids(ui_settings):
    keymap = ui_settings.where.keymap_file
    keymap.parent.mkdir(parents=True, exist_ok=True)
    keymap.write_text("admin.new: ctrl+b\n", encoding="utf-8")
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _open_admin(pilot)
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert panel.current is None  # the form was cleared for a new entry
        await pilot.press("f1")
        await pilot.pause()
        rows = [pilot.app.screen.query_one(DataTable).get_row_at(i)
                for i in range(pilot.app.screen.query_one(DataTable).row_count)]
        assert ["^b", "New", "admin.new"] in [[str(c) for c in row] for row in rows]


async def test_supervisor_sees_no_admin_key(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "supervisor", "supervisor")
        assert "workspace.admin" not in {b.binding.id for b in pilot.app.screen.active_bindings.values()
                                         if b.enabled}


async def test_a_long_prompt_wraps_inside_its_dialog_at_80_by_24(ui_settings):
    """A prompt naming a customer (My work's "topic of the call") was cut at the dialog's edge at 80×24."""
    from crmterm.screens.common.dialogs import PromptScreen

    question = "Callback to Общество с ограниченной ответственностью «Норд»: topic of the call (code or number)"
    async with make_app(ui_settings).run_test(size=(80, 24)) as pilot:
        pilot.app.push_screen(PromptScreen(question))
        await settle(pilot)
        title = pilot.app.screen.query_one(".dialog-title")
        assert title.size.width <= 56 and title.size.height > 1  # within the 60-column dialog, on two lines
