"""Screen pop in the Register tab (the workspace's CallWatch decides when): a ringing call's number goes into
the caller box and is searched exactly as if the agent had typed it and pressed Enter, so the side panel
shows the customer, the list of candidates, or "no customer found" with the number kept.

A registration in progress is never overwritten by a call. When the agent takes the call anyway (Ctrl+K), the
registration is set aside (held by the panel, as the form's state) and offered back once the call's contact is
saved. A mix-in of RegisterPanel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Input

from crmterm.i18n import _
from crmterm.screens.common.dialogs import ConfirmScreen
from crmterm.screens.register.register_part import RegisterPart


class CallTaking(RegisterPart):
    _set_aside: dict | None = None  # the registration put aside for a call, as ContactFields.state() gives it

    if TYPE_CHECKING:
        def draft_document(self) -> dict: ...  # DraftKeeping's
        def state(self) -> dict: ...  # ContactFields'
        def search_caller(self, value: str) -> None: ...  # RegisterPanel's
        async def action_clear(self) -> None: ...  # RegisterPanel's

    def registration_in_progress(self) -> bool:
        """Anything typed beyond the template's defaults (what the kept draft would hold)."""
        return bool(self.draft_document())

    def take_call(self, number: str) -> None:
        caller = self.query_one("#reg-caller", Input)
        caller.value = number
        self.search_caller(number)

    async def set_aside(self) -> None:
        """A fresh form for a call; the registration in progress comes back after the call's is saved."""
        self._set_aside = self.state()
        await self.action_clear()

    def offer_set_aside(self) -> None:
        """After a save: the registration put aside for a call, back if the agent wants it."""
        state, self._set_aside = self._set_aside, None
        if state is None:
            return

        async def answered(restore: bool | None) -> None:
            if restore:
                await self._restore(state)
                self.app.notify(_("The registration you set aside is back"))

        self.app.push_screen(ConfirmScreen(_("Bring back the registration you set aside for the call?")), answered)
