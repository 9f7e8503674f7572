"""The workspace's heartbeat: while someone is logged in, their presence row says so (services/accounts/presence),
so supervisors see who can take each queue's work. A missed beat costs nothing but a late count: failures
are ignored rather than shown (the user is busy with something else)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.timer import Timer

if TYPE_CHECKING:
    from crmterm.services.platform.gateway import Gateway


class PresenceBeat:
    """Mixed into the app: `start_presence` after log-in (from a worker thread), `stop_presence` at log-out."""

    _presence_timer: Timer | None = None

    def start_presence(self, gateway: Gateway) -> None:
        """Seen now; then once a minute while the workspace is open (called from a worker thread)."""
        from crmterm.services.accounts import presence

        _quietly(gateway, presence.touch)
        self.call_from_thread(self._start_beating)  # type: ignore[attr-defined]

    def _start_beating(self) -> None:
        from crmterm.services.accounts.presence import HEARTBEAT_SECONDS

        if self._presence_timer is None:
            self._presence_timer = self.set_interval(HEARTBEAT_SECONDS, self._beat)  # type: ignore[attr-defined]

    @work(thread=True, exclusive=True, group="presence")
    def _beat(self) -> None:
        from crmterm.services.accounts import presence

        gateway = self._gateway  # type: ignore[attr-defined]
        if gateway is not None and gateway.actor is not None:
            _quietly(gateway, presence.touch)

    def stop_presence(self, gateway: Gateway | None) -> None:
        """Gone: no more beats, and the row removed (in a thread: the UI does not wait for the database)."""
        if self._presence_timer is not None:
            self._presence_timer.stop()
            self._presence_timer = None
        if gateway is not None and gateway.actor is not None:
            self._leave(gateway)

    @work(thread=True, group="presence-leave")
    def _leave(self, gateway: Gateway) -> None:
        from crmterm.services.accounts import presence

        _quietly(gateway, presence.leave)


def _quietly(gateway: Gateway, service) -> None:
    try:
        gateway.call(service)
    except Exception:  # noqa: BLE001 - presence is a hint for supervisors, never worth an error dialog
        pass
