"""Live refresh for the Queues tab: a watcher (SQLite `PRAGMA data_version`, PostgreSQL LISTEN) polled once a
second in a short thread worker. A change seen while the tab is hidden or covered only marks the list stale;
it is reloaded when the tab is shown again, so a floor of hundreds of agents does not re-query for nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widget import Widget

from crmterm.screens.common.live_watch import LiveWatch
from crmterm.widgets.host import WidgetPart


class LiveRefresh(WidgetPart):
    """Mixed into the panel, which provides `refresh_all()`."""

    if TYPE_CHECKING:
        def refresh_all(self) -> None: ...  # the panel's: counts and rows again

    _live: LiveWatch | None = None
    _stale = False

    def start_watching(self) -> None:
        self._live = LiveWatch(self, self._changed, group="queue-watch")
        self._live.start(self.app.gateway.settings.database_url)

    def _changed(self) -> None:
        self._stale = True
        if self.in_view():
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
        if self._live is not None:
            self._live.stop()
