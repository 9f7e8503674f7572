"""Log-in: login and password; a failure says only that the pair was wrong."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import Button, Input, Label, Static

from crmterm.errors import CrmError
from crmterm.i18n import N_, _
from crmterm.widgets.chrome import TranslatedFooter
from crmterm.widgets.host import CrmScreen


class LoginScreen(CrmScreen):
    BINDINGS = [Binding("f2", "app.settings", N_("Language"), id="login.language")]

    def __init__(self, demo_logins: dict[str, str] | None = None, *, ready: bool = False) -> None:
        super().__init__()
        self.demo_logins = demo_logins or {}
        self.ready = ready  # the app prepares the database in a worker and then calls database_ready()

    def compose(self) -> ComposeResult:
        with Center():
            with Vertical(id="login-box"):
                yield Label("crmterm", id="login-title")
                yield Label(_("Contact-center CRM"), id="login-subtitle")
                yield Label(_("Login"))
                yield Input(id="login", placeholder=_("your login"))
                yield Label(_("Password"))
                yield Input(id="password", password=True, placeholder=_("password"))
                yield Static("" if self.ready else _("Preparing the database…"), id="login-error", markup=False)
                yield Button(_("Log in"), id="submit", variant="primary", disabled=not self.ready)
                yield Static(self._demo_hint(), id="demo-hint", markup=False)
        yield TranslatedFooter()

    def _demo_hint(self) -> str:
        if not self.demo_logins:
            return ""
        demo = ", ".join(f"{k} / {v}" for k, v in self.demo_logins.items())
        return _("Demo logins: {logins}").format(logins=demo)

    def on_mount(self) -> None:
        self.query_one("#login", Input).focus()

    def database_ready(self, demo_logins: dict[str, str]) -> None:
        self.ready, self.demo_logins = True, demo_logins
        self.query_one("#demo-hint", Static).update(self._demo_hint())
        self.show_error("")
        self.query_one("#submit", Button).disabled = False

    async def relabel(self) -> None:
        """Re-render in the new language; what was typed stays."""
        typed = {name: self.query_one(f"#{name}", Input).value for name in ("login", "password")}
        await self.recompose()
        for name, value in typed.items():
            self.query_one(f"#{name}", Input).value = value
        self.query_one("#login", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "login":
            self.query_one("#password", Input).focus()
        else:
            self.submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "submit":
            self.submit()

    def submit(self) -> None:
        if not self.ready:
            return
        login = self.query_one("#login", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not login:
            self.show_error(_("Enter your login"))
            self.query_one("#login", Input).focus()
            return
        self.query_one("#submit", Button).disabled = True
        self.app.key_gate.hold()  # what is typed from now on is for the workspace (released when it stands)
        self.authenticate(login, password)

    @work(thread=True, exclusive=True, group="login")
    def authenticate(self, login: str, password: str) -> None:
        try:
            actor = self.app.gateway.login(login, password)  # argon2 takes ~0.1 s: off the UI thread
        except CrmError as error:
            self.app.call_from_thread(self.login_failed, str(error))
            return
        self.app.call_from_thread(self.app.logged_in, actor)

    def login_failed(self, message: str) -> None:
        self.app.key_gate.release(replay=False)  # typed for a workspace that did not open
        self.show_error(message)
        self.query_one("#submit", Button).disabled = False
        password = self.query_one("#password", Input)
        password.value = ""
        password.focus()

    def show_error(self, message: str) -> None:
        self.query_one("#login-error", Static).update(message)
