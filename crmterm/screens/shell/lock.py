"""Idle lock: after `idle_lock_minutes` without a key or mouse event the workspace is covered (nothing of it
shows) until the same user types their password again. Escape does not lift it; someone else logs out.
The screens under it keep what was typed: the lock is a modal on top, they are never recomposed."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from crmterm.errors import CrmError
from crmterm.i18n import _
from crmterm.screens.common.leaving import leave_after_asking
from crmterm.text import visible
from crmterm.widgets.host import CrmModal

UNLOCKED, LOG_OUT = "unlocked", "logout"


class LockScreen(CrmModal[str]):
    """Dismissed with UNLOCKED after the password was verified (services/accounts/auth: same lock-out rules as the
    log-in), or with LOG_OUT."""

    CSS_PATH = "lock.tcss"
    BINDINGS = [Binding("escape", "stay_locked", show=False)]

    def __init__(self, login: str) -> None:
        super().__init__()
        self.login = login

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="lock-box"):
            yield Label(_("Screen locked"), id="lock-title")
            yield Static(_("Locked after a while without activity. {login}, type your password to go on; "
                           "anyone else logs out.").format(login=visible(self.login)), id="lock-hint", markup=False)
            yield Input(id="lock-password", password=True, placeholder=_("password"))
            yield Static("", id="lock-error", markup=False)
            with Horizontal(id="lock-buttons"):
                yield Button(_("Unlock"), id="unlock", variant="primary")
                yield Button(_("Log out"), id="lock-logout")

    def on_mount(self) -> None:
        self.query_one("#lock-password", Input).focus()

    def action_stay_locked(self) -> None:
        """Escape: the lock stays (only the password or logging out lifts it)."""

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._unlock()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "unlock":
            self._unlock()
        else:  # asked over the lock, so the workspace stays covered
            leave_after_asking(self.app, lambda: self.dismiss(LOG_OUT), _("Log out anyway?"))

    def _unlock(self) -> None:
        password = self.query_one("#lock-password", Input)
        if not password.value:
            return
        self.query_one("#unlock", Button).disabled = True
        self.verify(password.value)
        password.value = ""

    @work(thread=True, exclusive=True, group="unlock")
    def verify(self, password: str) -> None:
        try:
            self.app.gateway.login(self.login, password)  # argon2 and the lock-out, off the UI thread
        except CrmError as error:
            self.app.call_from_thread(self._refused, str(error))
            return
        self.app.call_from_thread(self.dismiss, UNLOCKED)

    def _refused(self, message: str) -> None:
        self.query_one("#lock-error", Static).update(message)
        self.query_one("#unlock", Button).disabled = False
        self.query_one("#lock-password", Input).focus()
