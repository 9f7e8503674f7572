"""Live refresh for the Queues tab: a watcher (SQLite `PRAGMA data_version`, PostgreSQL LISTEN) polled once a
second in a short thread worker. A change seen while the tab is hidden or covered only marks the list stale;
it is reloaded when the tab is shown again, so a floor of hundreds of agents does not re-query for nothing."""

from __future__ import annotations

from textual import work
from textual.widget import Widget

from crmterm.services import live

POLL_SECONDS = 1.0


class LiveRefresh:
    """Mixed into the panel, which provides `refresh_all()`."""

    _watcher: live.Watcher | None = None
    _polling = False
    _stale = False

    def start_watching(self) -> None:
        self._open_watcher(self.app.gateway.settings.database_url)
        self.set_interval(POLL_SECONDS, self._poll)

    @work(thread=True, group="queue-watch-open")
    def _open_watcher(self, url: str) -> None:
        try:
            opened = live.watcher(url)
        except Exception:  # noqa: BLE001 - no live refresh is better than no Queues tab; the list still works
            return
        self.app.call_from_thread(self._watcher_opened, opened)

    def _watcher_opened(self, opened: live.Watcher) -> None:
        if not self.is_mounted:  # the panel went away while the connection opened
            opened.close()
            return
        self._watcher = opened

    def _poll(self) -> None:
        if self._watcher is not None and not self._polling:
            self._polling = True  # one check at a time: a slow database must not pile up workers
            self._check(self._watcher)

    @work(thread=True, exclusive=True, group="queue-watch")
    def _check(self, watcher: live.Watcher) -> None:
        try:
            changed = watcher.changed()
        except Exception:  # noqa: BLE001 - closed under us (unmount) or the server went away: try next time
            changed = False
        self.app.call_from_thread(self._checked, changed)

    def _checked(self, changed: bool) -> None:
        self._polling = False
        self._stale = self._stale or changed
        if self._stale and self.in_view():
            self._stale = False
            self.refresh_all()

    def in_view(self) -> bool:
        """On the current screen and in the active tab (a hidden TabPane is not displayed)."""
        if not self.is_mounted or self.screen is not self.app.screen:
            return False
        return all(node.display for node in self.ancestors_with_self if isinstance(node, Widget))

    def shown(self) -> None:
        """The tab became visible: catch up with what changed meanwhile."""
        if self._stale:
            self._stale = False
            self.refresh_all()

    def stop_watching(self) -> None:
        watcher, self._watcher = self._watcher, None
        if watcher is not None:
            watcher.close()
