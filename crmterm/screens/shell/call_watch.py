"""Screen pop in the workspace (issue 22 item 5): a call the telephony system posted for the logged-in agent
(`POST /calls`, services/inquiries/incoming_calls) opens in the Register tab, whichever tab the agent is in.

A watcher on the calls channel (PostgreSQL LISTEN filtered to this user's id; SQLite `PRAGMA data_version`)
is polled twice a second in a short thread worker, and only when it fires is the database asked for the
user's next call: no timer query. The call is announced ("Incoming call from … — …") and opened unless that
would take something from the agent: a registration in progress, text being typed in a field, a dialog or
another screen on top. Then the call waits for Ctrl+K ("Take the call"), which asks before setting the
registration in progress aside. Either way the call is marked shown, so no workspace of the agent pops it twice."""

from __future__ import annotations

from textual import work
from textual.widgets import Input, TabbedContent, TextArea

from crmterm.i18n import _
from crmterm.screens.common.dialogs import ConfirmScreen
from crmterm.screens.common.live_watch import LiveWatch
from crmterm.screens.register.register import RegisterPanel
from crmterm.screens.shell.lock import LockScreen
from crmterm.services.inquiries import incoming_calls
from crmterm.services.inquiries.incoming_calls import CallRead
from crmterm.services.routing import live
from crmterm.text import visible
from crmterm.widgets.host import CrmHost, ScreenPart
from crmterm.widgets.type_ahead import user_is_in

CALL_POLL_SECONDS = 0.5  # the caller must be on screen within a second of the telephony system's post


class CallWatch(ScreenPart):
    """Mixed into the workspace screen, which routes the Register tab's activation to `call_tab_shown`."""

    _call_live: LiveWatch | None = None
    pending_call: CallRead | None = None  # announced, waiting for Ctrl+K
    _opening_call: str | None = None  # the number to search once the Register tab is shown
    _calls_seen: set[int]  # set by start_call_watch: what this workspace announced already

    def start_call_watch(self) -> None:
        if not self.query("TabPane#register"):
            return  # a role that registers nothing takes no calls
        self._calls_seen = set()
        self._call_live = LiveWatch(self, self._calls_changed, group="call-watch", channel=live.CALLS,
                                    only=str(self.app.actor.id), every=CALL_POLL_SECONDS)
        self._call_live.start(self.app.gateway.settings.database_url)
        self.look_for_call()  # a call that rang while the log-in was under way

    def stop_call_watch(self) -> None:
        if self._call_live is not None:
            self._call_live.stop()

    def _calls_changed(self) -> None:
        self.look_for_call()

    def look_for_call(self) -> None:
        if self.is_attached:  # a change heard while the workspace goes away with the app: no one to tell
            self._look_for_call(self.app)

    @work(thread=True, exclusive=True, group="call-look")
    def _look_for_call(self, app: CrmHost) -> None:
        # the app handed in: a thread asking `self.app` of a screen the closing app just dropped finds none
        call = app.gateway.call(incoming_calls.next_call_for)
        if call is not None:
            app.gateway.call(incoming_calls.mark_shown, incoming_id=call.id)
            app.call_from_thread(self._call_arrived, call)

    def _call_arrived(self, call: CallRead) -> None:
        if call.id in self._calls_seen or not self.query("TabPane#register"):
            return
        self._calls_seen.add(call.id)
        panel = self._register_panel()  # None while the Register tab was never opened: nothing in progress
        if self._may_open_call(panel):
            self.app.notify(call_text(call), timeout=10, markup=False)
            self._open_call(call.number)
            return
        self.pending_call = call
        self.refresh_bindings()
        # the lock screen hides who is calling as it hides the workspace (README "Idle lock")
        said = _("Incoming call") if isinstance(self.app.screen, LockScreen) else call_text(call)
        self.app.notify(said + "\n" + _("Ctrl+K: take the call"), timeout=30, markup=False)

    def _may_open_call(self, panel: RegisterPanel | None) -> bool:
        if self.app.screen is not self or panel is not None and panel.registration_in_progress():
            return False
        focused = self.app.focused
        typing = (isinstance(focused, Input) and bool(focused.value)
                  or isinstance(focused, TextArea) and bool(focused.text))
        return not typing or panel is not None and user_is_in(panel)

    def _open_call(self, number: str) -> None:
        tabs = self.query_one(TabbedContent)
        if tabs.active == "register":
            self._panel().take_call(number)
        else:  # searched once the tab is shown: its activation would otherwise focus the caller box again
            self._opening_call = number
            tabs.active = "register"

    def call_tab_shown(self) -> bool:
        """The Register tab was shown: True when a call was waiting for it (then opened there)."""
        number, self._opening_call = self._opening_call, None
        if number is None:
            return False
        self._panel().take_call(number)
        return True

    async def action_take_call(self) -> None:
        """Ctrl+K: the call announced while the agent was busy, in a fresh registration."""
        call, self.pending_call = self.pending_call, None
        self.refresh_bindings()
        panel = self._register_panel()
        if call is None or panel is None:
            return
        if not panel.registration_in_progress():
            self._open_call(call.number)
            return

        async def answered(yes: bool | None) -> None:
            if not yes:
                self.pending_call = call
                self.refresh_bindings()
                return
            await panel.set_aside()
            # behind the caller box's focus the cleared form queued on the app: the call's search moves it on
            self.app.call_later(self._open_call, call.number)

        self.app.push_screen(ConfirmScreen(_("Set the registration in progress aside and take the call? "
                                             "It is offered back once the call's contact is saved.")), answered)

    def _register_panel(self) -> RegisterPanel | None:
        found = self.query(RegisterPanel)
        return found.first() if found else None

    def _panel(self) -> RegisterPanel:
        panel = self._register_panel()
        assert panel is not None  # only called after start_call_watch found it
        return panel


def call_text(call: CallRead) -> str:
    if call.customer is not None:
        who = visible(call.customer.display_name)
    elif call.candidates:
        who = _("{n} possible customers").format(n=len(call.candidates))
    else:
        who = _("unknown caller")
    return _("Incoming call from {number} — {caller}").format(number=call.number, caller=who)
