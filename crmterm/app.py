"""CrmApp: log-in, workspace, language switch, help, command palette, user keymap."""

from __future__ import annotations

from functools import partial

import yaml
from sqlalchemy.exc import SQLAlchemyError
from textual import work
from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from crmterm.errors import CrmError
from crmterm.i18n import N_, _, current_language, language_name, set_language
from crmterm.screens.dialogs import HelpScreen, SettingsScreen
from crmterm.screens.login import LoginScreen
from crmterm.screens.workspace import WorkspaceScreen
from crmterm.services import bootstrap
from crmterm.services.gateway import Gateway
from crmterm.services.permissions import Actor
from crmterm.settings import LANGUAGES, Settings, save_preference


class CrmCommands(Provider):
    """Every action of the app and the current screen, by its translated name."""

    def _commands(self) -> list[tuple[str, object]]:
        app: CrmApp = self.app  # type: ignore[assignment]
        commands = [(_("Help: keys"), app.action_help), (_("Settings"), app.action_settings),
                    (_("Quit"), app.exit)]
        commands += [(_("Switch language to {name}").format(name=language_name(code)),
                      partial(app.switch_language, code)) for code in LANGUAGES if code != current_language()]
        if isinstance(app.screen, WorkspaceScreen):
            commands.append((_("Log out"), app.action_logout))
            for node, binding in _screen_bindings(app):
                commands.append((_(binding.description), partial(app.run_action, binding.action, node)))
        return commands

    async def discover(self) -> Hits:
        for title, command in self._commands():
            yield DiscoveryHit(title, command)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, command in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), command)


def _screen_bindings(app: App):
    for _key, (node, binding, enabled, _tip) in app.screen.active_bindings.items():
        if enabled and binding.description and not binding.action.startswith("app."):
            yield node, binding


class CrmApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "crmterm"
    COMMANDS = App.COMMANDS | {CrmCommands}
    BINDINGS = [
        Binding("f1", "help", N_("Help"), id="app.help"),
        Binding("ctrl+q", "quit", N_("Quit"), id="app.quit", priority=True),
    ]

    def __init__(self, settings: Settings, *, demo_logins: dict[str, str] | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.gateway = Gateway(settings)
        self.active_template = None  # the contact template registration starts from (F12 switches)
        self.demo_logins = demo_logins or {}
        self.database_ready = False
        set_language(settings.language)

    def on_mount(self) -> None:
        self._load_keymap()
        self.push_screen(LoginScreen(self.demo_logins))
        self.prepare_database()

    @work(thread=True, exclusive=True, group="prepare")
    def prepare_database(self) -> None:
        """First run: create, migrate and seed the database while the log-in screen is already up."""
        try:
            demo_logins = bootstrap.prepare(self.settings.database_url)
        except CrmError as error:
            self.call_from_thread(self._database_failed, str(error))
        except SQLAlchemyError as error:
            self.call_from_thread(self._database_failed, str(getattr(error, "orig", error)).strip().splitlines()[0])
        else:
            self.call_from_thread(self._database_prepared, demo_logins)

    def _database_prepared(self, demo_logins: dict[str, str]) -> None:
        self.database_ready = True
        if isinstance(self.screen, LoginScreen):
            self.screen.database_ready(demo_logins or self.demo_logins)

    def _database_failed(self, message: str) -> None:
        if isinstance(self.screen, LoginScreen):
            self.screen.show_error(message)
        self.notify(message, severity="error", timeout=30)

    def _load_keymap(self) -> None:
        """keymap.yaml in the config folder: {binding id: keys}, e.g. `admin.save: ctrl+w`."""
        path = self.settings.where.keymap_file if self.settings.where else None
        if path is None or not path.is_file():
            return
        try:
            keymap = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            self.set_keymap({str(k): str(v) for k, v in keymap.items()})
        except (yaml.YAMLError, AttributeError, OSError) as error:
            self.notify(_("Ignoring {file}: {error}").format(file=path, error=error), severity="warning")

    def logged_in(self, actor: Actor) -> None:
        self.switch_screen(WorkspaceScreen())

    def action_logout(self) -> None:
        self.gateway, self.active_template = Gateway(self.settings), None
        self.switch_screen(LoginScreen(ready=True))

    def action_help(self) -> None:
        rows = [(self.get_key_display(binding), binding.description, binding.id or "")
                for _key, (_node, binding, _enabled, _tip) in self.screen.active_bindings.items()
                if binding.description]
        self.push_screen(HelpScreen(rows))

    def action_settings(self) -> None:
        self.push_screen(SettingsScreen(current_language()),
                         lambda language: language and self.switch_language(language))

    async def switch_language(self, language: str) -> None:
        """Re-render every open screen in `language` and remember the choice."""
        set_language(language)
        self.settings = self.settings.with_language(language)
        self.gateway.settings = self.settings
        if self.settings.where is not None:
            save_preference(self.settings, "language", language)
        for screen in self.screen_stack:
            relabel = getattr(screen, "relabel", None)
            await (relabel() if relabel else screen.recompose())
            screen.refresh_bindings()
        self.notify(_("Language: {name}").format(name=language_name(language)))


def make_app(settings: Settings, *, demo_logins: dict[str, str] | None = None) -> CrmApp:
    return CrmApp(settings, demo_logins=demo_logins)
