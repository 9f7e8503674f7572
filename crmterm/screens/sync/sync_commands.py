"""The command palette's sync entries on a laptop node (the workspace's own provider): the sync log and a sync
now. The conflict screen comes through its Alt+Z binding, which the palette lists by itself."""

from __future__ import annotations

from crmterm.i18n import _
from crmterm.screens.sync.sync_log import SyncLogScreen
from crmterm.screens.sync.sync_now import start_sync
from crmterm.widgets.listed_commands import Command, ListedCommands


class SyncCommands(ListedCommands):
    def _commands(self) -> list[Command]:
        if not getattr(self.screen, "sync_node", False):  # not a node: nothing of sync to offer
            return []
        return [(_("Sync log"), lambda: self.app.push_screen(SyncLogScreen())),
                (_("Sync now"), lambda: start_sync(self.screen))]
