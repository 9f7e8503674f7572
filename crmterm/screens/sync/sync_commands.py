"""The command palette's sync entries on a laptop node (the workspace's own provider): the sync log and a sync
now. The conflict screen comes through its Alt+Z binding, which the palette lists by itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from crmterm.i18n import _
from crmterm.screens.sync.sync_log import SyncLogScreen
from crmterm.screens.sync.sync_now import start_sync


class SyncCommands(Provider):
    def _commands(self) -> list[tuple[str, Callable[[], Any]]]:
        if not getattr(self.screen, "sync_node", False):  # not a node: nothing of sync to offer
            return []
        return [(_("Sync log"), lambda: self.app.push_screen(SyncLogScreen())),
                (_("Sync now"), lambda: start_sync(self.screen))]

    async def discover(self) -> Hits:
        for title, command in self._commands():
            yield DiscoveryHit(title, command)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, command in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), command)
