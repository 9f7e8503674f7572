"""A database change watcher for a screen or widget (SQLite `PRAGMA data_version`, PostgreSQL LISTEN): opened in
a thread worker, polled once a second in a short thread worker, never more than one check at a time (a slow
database must not pile up workers). `on_change` runs on the UI thread when something changed."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.widget import Widget

from crmterm.services.routing import live

POLL_SECONDS = 1.0


class LiveWatch:
    def __init__(self, host: Widget, on_change: Callable[[], None], *, group: str,
                 channel: str = live.CHANNEL, only: str | None = None, every: float = POLL_SECONDS) -> None:
        self.host, self.on_change, self.group, self.channel = host, on_change, group, channel
        self.only = only  # PostgreSQL: only the channel's notes with this payload (live.watcher)
        self.every = every
        self.watcher: live.Watcher | None = None
        self._polling = False

    def start(self, url: str) -> None:
        self.host.run_worker(partial(self._open, url), thread=True, group=f"{self.group}-open")
        self.host.set_interval(self.every, self._poll)

    def stop(self) -> None:
        watcher, self.watcher = self.watcher, None
        if watcher is not None:
            watcher.close()

    def _open(self, url: str) -> None:
        try:
            opened = live.watcher(url, channel=self.channel, only=self.only)
        except Exception:  # noqa: BLE001 - without live updates the screen still works, it just does not follow
            return
        self.host.app.call_from_thread(self._opened, opened)

    def _opened(self, opened: live.Watcher) -> None:
        if not self.host.is_mounted:  # gone (unmounted, logged out) while the connection opened
            opened.close()
            return
        self.watcher = opened

    def _poll(self) -> None:
        if self.watcher is not None and not self._polling:
            self._polling = True
            self.host.run_worker(partial(self._check, self.watcher), thread=True, exclusive=True, group=self.group)

    def _check(self, watcher: live.Watcher) -> None:
        try:
            changed = watcher.changed()
        except Exception:  # noqa: BLE001 - closed under us or the server went away: try next time
            changed = False
        self.host.app.call_from_thread(self._checked, changed)

    def _checked(self, changed: bool) -> None:
        self._polling = False
        if changed and self.host.is_mounted:
            self.on_change()
