"""The unread-notification count of the workspace's status bar, kept current without a timer query: a
watcher (PostgreSQL LISTEN on the notification channel, SQLite `PRAGMA data_version`) is polled once a
second in a short thread worker, and the count (an index read, capped) is taken again only when it fired."""

from __future__ import annotations

from textual import work

from crmterm.services import live, notification_inbox

POLL_SECONDS = 1.0


class UnreadWatch:
    """Mixed into the workspace screen, which provides `refresh_status()` (showing `self.unread`)."""

    unread = 0
    _unread_watcher: live.Watcher | None = None
    _unread_polling = False

    def start_unread_watch(self) -> None:
        self.count_unread()
        self._open_unread_watcher(self.app.gateway.settings.database_url)
        self.set_interval(POLL_SECONDS, self._poll_unread)

    @work(thread=True, exclusive=True, group="unread-count")
    def count_unread(self) -> None:
        count = self.app.gateway.call(notification_inbox.unread_count)
        self.app.call_from_thread(self._unread_counted, count)

    def _unread_counted(self, count: int) -> None:
        if count != self.unread:
            self.unread = count
            self.refresh_status()

    @work(thread=True, group="unread-watch-open")
    def _open_unread_watcher(self, url: str) -> None:
        try:
            opened = live.watcher(url, channel=live.NOTIFICATIONS)
        except Exception:  # noqa: BLE001 - without live updates the count still follows the user's own reading
            return
        self.app.call_from_thread(self._unread_watcher_opened, opened)

    def _unread_watcher_opened(self, opened: live.Watcher) -> None:
        if not self.is_mounted:  # logged out while the connection opened
            opened.close()
            return
        self._unread_watcher = opened

    def _poll_unread(self) -> None:
        if self._unread_watcher is not None and not self._unread_polling:
            self._unread_polling = True  # one check at a time: a slow database must not pile up workers
            self._check_unread(self._unread_watcher)

    @work(thread=True, exclusive=True, group="unread-watch")
    def _check_unread(self, watcher: live.Watcher) -> None:
        try:
            changed = watcher.changed()
        except Exception:  # noqa: BLE001 - closed under us (log-out) or the server went away: try next time
            changed = False
        self.app.call_from_thread(self._unread_checked, changed)

    def _unread_checked(self, changed: bool) -> None:
        self._unread_polling = False
        if changed and self.is_mounted:
            self.count_unread()

    def stop_unread_watch(self) -> None:
        watcher, self._unread_watcher = self._unread_watcher, None
        if watcher is not None:
            watcher.close()
