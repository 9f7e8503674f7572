"""The unread-notification count of the workspace's status bar, kept current without a timer query: a
watcher (PostgreSQL LISTEN on the notification channel, SQLite `PRAGMA data_version`) is polled once a
second in a short thread worker, and the count (an index read, capped) is taken again only when it fired."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from crmterm.screens.common.live_watch import LiveWatch
from crmterm.services.routing import live
from crmterm.services.sla import notification_inbox
from crmterm.widgets.host import CrmHost, ScreenPart


class UnreadWatch(ScreenPart):
    """Mixed into the workspace screen, which provides `refresh_status()` (showing `self.unread`)."""

    if TYPE_CHECKING:
        def refresh_status(self) -> None: ...  # the screen's

    unread = 0
    _unread_live: LiveWatch | None = None

    def start_unread_watch(self) -> None:
        self.count_unread()
        self._unread_live = LiveWatch(self, self._unread_changed, group="unread-watch", channel=live.NOTIFICATIONS)
        self._unread_live.start(self.app.gateway.settings.database_url)

    def _unread_changed(self) -> None:
        self.count_unread()

    def count_unread(self) -> None:
        if self.is_attached:  # a change heard while the workspace goes away with the app: no one to tell
            self._count_unread(self.app)

    @work(thread=True, exclusive=True, group="unread-count")
    def _count_unread(self, app: CrmHost) -> None:
        # the app handed in: a thread asking `self.app` of a screen the closing app just dropped finds none
        count = app.gateway.call(notification_inbox.unread_count)
        app.call_from_thread(self._unread_counted, count)

    def _unread_counted(self, count: int) -> None:
        if count != self.unread:
            self.unread = count
            self.refresh_status()

    def stop_unread_watch(self) -> None:
        if self._unread_live is not None:
            self._unread_live.stop()
