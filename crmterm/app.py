"""CrmApp: log-in, workspace, language switch, help, command palette, user keymap."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from time import monotonic
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.worker import WorkerFailed, active_worker

from crmterm.errors import CrmError
from crmterm.i18n import N_, _, current_language, language_name, set_language
from crmterm.locations import locations
from crmterm.screens.common.dialogs import HelpScreen, SettingsScreen
from crmterm.screens.common.failures import FailureDialog, log_failure, work_title
from crmterm.screens.common.leaving import leave_after_asking
from crmterm.screens.shell.lock import LOG_OUT, LockScreen
from crmterm.screens.shell.login import LoginScreen
from crmterm.screens.shell.presence_beat import PresenceBeat
from crmterm.services.accounts.permissions import Actor
from crmterm.settings import LANGUAGES, Settings
from crmterm.text import visible
from crmterm.widgets.host import CrmHost
from crmterm.widgets.key_gate import KeyGate
from crmterm.widgets.listed_commands import Command, ListedCommands
from crmterm.widgets.safe_text import TerminalSafe

if TYPE_CHECKING:  # the gateway module loads on first use (see `gateway`), its type for checkers only
    from crmterm.services.platform.gateway import Gateway

_TERMINAL_SAFE = TerminalSafe()  # one instance: rendered lines cache their filtered copy per filter


def _workspace_class():
    """The workspace and everything it opens load after the log-in screen is up (in `prepare_database`): the
    log-in screen is on screen 0.4 s sooner, and the import is done by the time a password is typed."""
    from crmterm.screens.shell.workspace import WorkspaceScreen

    return WorkspaceScreen



class CrmCommands(ListedCommands):
    """Every action of the app and the current screen, by its translated name."""

    def _commands(self) -> list[Command]:
        app: CrmApp = self.app  # type: ignore[assignment]
        commands: list[Command] = [(_("Help: keys"), app.action_help), (_("Settings"), app.action_settings),
                                    (_("Quit"), app.exit)]
        commands += [(_("Switch language to {name}").format(name=language_name(code)),
                      partial(app.switch_language, code)) for code in LANGUAGES if code != current_language()]
        if app.signed_in:
            commands.append((_("Run a business function…"), app.action_business_function))
        # self.screen is the screen the palette opened over (app.screen is the palette itself by now)
        if isinstance(self.screen, _workspace_class()):
            commands.append((_("Log out"), app.action_logout))
            for node, binding in _screen_bindings(self.screen):
                commands.append((_(binding.description), partial(app.run_action, binding.action, node)))
        return commands


def _screen_bindings(screen):
    for _key, (node, binding, enabled, _tip) in screen.active_bindings.items():
        if enabled and binding.description and not binding.action.startswith("app."):
            yield node, binding


class CrmApp(PresenceBeat, CrmHost):
    CSS_PATH = "app.tcss"
    TITLE = "crmterm"
    # Under 100 columns every screen carries -narrow: app.tcss gives the lists room and narrows side panes
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-normal")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]  # under 30 rows: -short (the inquiry screen)
    COMMANDS = App.COMMANDS | {CrmCommands}
    BINDINGS = [
        Binding("f1", "help", N_("Help"), id="app.help"),
        Binding("ctrl+q", "quit", N_("Quit"), id="app.quit", priority=True),
        Binding("ctrl+b", "notifications", N_("Notifications"), id="app.notifications", show=False),
    ]

    def __init__(self, settings: Settings, *, demo_logins: dict[str, str] | None = None) -> None:
        super().__init__()
        self.settings = settings
        self._gateway: Gateway | None = None  # made on first use: the database layer loads off the UI thread
        self.active_template = None  # the contact template registration starts from (F12 switches)
        self.workspace_layout = None  # the user's own tabs, columns and tiles, read at log-in
        self.demo_logins = demo_logins or {}
        self.database_ready = False
        self.last_input = monotonic()  # the last key or mouse event: the idle lock counts from it
        self.key_gate = KeyGate(self)  # a key is handed out only when the one before it was handled
        self.installation_language = settings.language  # config.yaml / CRMTERM_LANG: before log-in and after
        set_language(settings.language)

    @property
    def gateway(self) -> Gateway:
        """The screens' door to the services (it holds the logged-in actor)."""
        if self._gateway is None:
            from crmterm.services.platform.gateway import Gateway

            self._gateway = Gateway(self.settings)
        return self._gateway

    @property
    def actor(self) -> Actor:
        """Who is logged in (asked by screens shown after the log-in only)."""
        actor = self.gateway.actor
        if actor is None:
            raise RuntimeError("nobody is logged in")  # a screen of the workspace outlived its session: a bug
        return actor

    def on_mount(self) -> None:
        self._load_keymap()
        self.push_screen(LoginScreen(self.demo_logins))
        # Once the log-in screen is painted: the worker imports SQLAlchemy, the models and the workspace, and
        # a thread importing holds the GIL the UI thread needs to show the screen the user is waiting for
        self.call_after_refresh(self.prepare_database)
        idle = self.settings.idle_lock_minutes * 60
        if idle > 0:
            self.set_interval(min(30.0, max(idle / 4, 0.05)), self.lock_if_idle)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseEvent):
            self.last_input = monotonic()
        if isinstance(event, events.Key) and not event.is_forwarded:  # from the terminal: one at a time
            if self.key_gate.admit(event):
                target = self.focused or self.screen
                await super().on_event(event)
                self.key_gate.follow(target if event.is_forwarded else self)
            return
        await super().on_event(event)

    def lock_if_idle(self, now: float | None = None) -> bool:
        """Lock a signed-in session idle for `idle_lock_minutes`; True when it locked now."""
        idle = self.settings.idle_lock_minutes * 60
        if idle <= 0 or not self.signed_in or self.locked:
            return False
        if (monotonic() if now is None else now) - self.last_input < idle:
            return False
        self.push_screen(LockScreen(self.actor.login), self._lock_lifted)
        return True

    @property
    def locked(self) -> bool:
        return any(isinstance(screen, LockScreen) for screen in self.screen_stack)

    def _lock_lifted(self, outcome: str | None) -> None:
        self.last_input = monotonic()
        if outcome == LOG_OUT:  # the lock screen asked about unsaved input already
            while len(self.screen_stack) > 2 and not isinstance(self.screen, _workspace_class()):
                self.pop_screen()  # dialogs and inquiries opened over the workspace go with the session
            self.log_out()

    @work(thread=True, exclusive=True, group="prepare")
    def prepare_database(self) -> None:
        """First run: create, migrate and seed the database while the log-in screen is already up."""
        from sqlalchemy.exc import SQLAlchemyError

        try:
            from crmterm.services.platform import bootstrap  # Alembic and the models load here, off the UI thread

            demo_logins = bootstrap.prepare(self.settings.database_url)
            _workspace_class()
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

    def _handle_exception(self, error: Exception) -> None:
        """The one place a failed worker lands (Textual 8.2 hands `WorkerFailed` here for every worker left
        with `exit_on_error`, and would exit): the app stays up and says what failed. Other exceptions — a bug
        in a message handler of the UI itself — keep Textual's behaviour."""
        if isinstance(error, WorkerFailed) and self.is_running and not self._exit_renderables:
            worker = active_worker.get(None)  # set by the worker task that failed, which is calling us
            # shown from the app's own message loop: a screen pushed from inside the worker's task goes with it
            self.call_later(self.show_failure, error.error, worker.name if worker is not None else "")
            return
        super()._handle_exception(error)

    def show_failure(self, error: BaseException, worker_name: str = "") -> None:
        """A domain error becomes a notification; anything else a dialog naming the log file it went to."""
        if isinstance(error, CrmError):
            self.notify(str(error), severity="error", timeout=10)
            return
        what = work_title(worker_name)
        logs = self.settings.where.logs if self.settings.where is not None else locations().logs
        log_path = log_failure(logs, what, error)
        if isinstance(self.screen, FailureDialog):  # several at once (the database went away): one dialog
            self.notify(_("{what} failed too (see the log)").format(what=what), severity="error", timeout=10)
            return
        self.push_screen(FailureDialog(what, error, log_path))

    def _load_keymap(self) -> None:
        """keymap.yaml in the config folder: {binding id: keys}, e.g. `admin.save: ctrl+w`."""
        path = self.settings.where.keymap_file if self.settings.where else None
        if path is None or not path.is_file():
            return
        import yaml  # here: most users have no keymap, and every millisecond before the log-in screen counts

        try:
            keymap = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            self.set_keymap({str(k): str(v) for k, v in keymap.items()})
        except (yaml.YAMLError, AttributeError, OSError) as error:
            self.notify(_("Ignoring {file}: {error}").format(file=path, error=error), severity="warning")

    def logged_in(self, actor: Actor) -> None:
        self._open_workspace()

    @work(thread=True, exclusive=True, group="login")
    def _open_workspace(self) -> None:
        """The workspace in the user's own language (their F2 choice, stored per user): read first, so the
        workspace is drawn once, in that language."""
        from crmterm.services.accounts import preferences  # the store loads off the UI thread (see gateway)

        try:
            language = self.gateway.call(preferences.preferred_language)
        except Exception:  # noqa: BLE001 - a preference is not worth a refused log-in: the default language
            language = None
        self.workspace_layout = self._own_layout()
        self.start_presence(self.gateway)
        # typed first: mypy cannot match a coroutine function against call_from_thread's `T | Awaitable[T]`
        enter: Callable[[str], Awaitable[None] | None] = self._enter_workspace
        self.call_from_thread(enter, language or self.installation_language)

    def _own_layout(self):
        """The user's workspace layout (tabs, columns, tiles), read before the workspace is drawn."""
        from crmterm.services.accounts import workspace

        try:
            return self.gateway.call(workspace.get_workspace).layout
        except Exception:  # noqa: BLE001 - nor is a layout: the default one
            return None

    async def _enter_workspace(self, language: str) -> None:
        self._use_language(language)
        await self.switch_screen(_workspace_class()())
        self.call_after_refresh(self.key_gate.release)  # keys typed during the log-in go to the workspace

    def _use_language(self, language: str) -> None:
        set_language(language)
        self.settings = self.settings.with_language(language)
        if self._gateway is not None:  # its settings may hold a per-user connection: keep that, change the language
            self._gateway.settings = self._gateway.settings.with_language(language)

    async def action_quit(self) -> None:
        leave_after_asking(self, self.exit, _("Quit anyway?"))

    def action_logout(self) -> None:
        leave_after_asking(self, self.log_out, _("Log out anyway?"))

    def log_out(self) -> None:
        self.stop_presence(self._gateway)
        self._gateway, self.active_template, self.workspace_layout = None, None, None
        self._use_language(self.installation_language)  # the next user starts in the installation's language
        self.switch_screen(LoginScreen(ready=True))

    def get_line_filters(self):
        """Textual's own filters, then the control-character net (widgets/safe_text.TerminalSafe)."""
        return [*super().get_line_filters(), _TERMINAL_SAFE]

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None,
               markup: bool = False) -> None:
        """Toasts are literal text: messages carry names, labels and error texts from user data."""
        super().notify(visible(message), title=visible(title), severity=severity, timeout=timeout, markup=markup)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if self.locked and action != "quit":  # no palette, help or notifications over the lock
            return False
        if action == "notifications":  # once logged in, from any screen but the centre itself
            if self._gateway is None or self._gateway.actor is None or isinstance(self.screen, LoginScreen):
                return False
            from crmterm.screens.notifications.notifications import NotificationCentre

            return not isinstance(self.screen, NotificationCentre)
        return True

    @property
    def signed_in(self) -> bool:
        return self._gateway is not None and self._gateway.actor is not None and not isinstance(self.screen,
                                                                                               LoginScreen)

    def action_business_function(self) -> None:
        """A business function on the open inquiry (or any, by number); the inquiry screen reloads after."""
        from crmterm.screens.inquiry.function_dialog import FunctionDialog

        under = self.screen
        reload = getattr(under, "action_reload", None)
        self.push_screen(FunctionDialog(getattr(under, "inquiry_id", None)),
                         lambda done: reload() if done is not None and reload is not None else None)

    def action_notifications(self) -> None:
        """The notification centre; an inquiry chosen there opens over the current screen."""
        from crmterm.screens.inquiry.inquiry_view import InquiryScreen
        from crmterm.screens.notifications.notifications import NotificationCentre

        def closed(inquiry_id: int | None) -> None:
            for screen in self.screen_stack:
                if isinstance(screen, _workspace_class()):
                    screen.count_unread()
            if inquiry_id is not None:
                self.push_screen(InquiryScreen(inquiry_id))

        self.push_screen(NotificationCentre(), closed)

    def action_help(self) -> None:
        rows = [(self.get_key_display(binding), binding.description, binding.id or "")
                for _key, (_node, binding, _enabled, _tip) in self.screen.active_bindings.items()
                if binding.description]
        # crmterm's own keys (they carry ids) before the editing keys of Textual's widgets (screens/common/widget_keys)
        self.push_screen(HelpScreen(sorted(rows, key=lambda row: not row[2])))

    def action_settings(self) -> None:
        self.push_screen(SettingsScreen(current_language()),
                         lambda language: language and self.switch_language(language))

    async def switch_language(self, language: str) -> None:
        """Re-render every open screen in `language` at once, and remember the choice for this user only (in
        the database, applied at their next log-in on any workstation); before log-in it lasts until then."""
        self._use_language(language)
        if self.signed_in:
            self._remember_language(language)
        for screen in self.screen_stack:
            relabel = getattr(screen, "relabel", None)
            await (relabel() if relabel else screen.recompose())
            screen.refresh_bindings()
        self.notify(_("Language: {name}").format(name=language_name(language)))

    @work(thread=True, exclusive=True, group="preferences")
    def _remember_language(self, language: str) -> None:
        from crmterm.services.accounts import preferences

        self.gateway.call(preferences.set_language, language=language)


def make_app(settings: Settings, *, demo_logins: dict[str, str] | None = None) -> CrmApp:
    return CrmApp(settings, demo_logins=demo_logins)
