"""The workspace on a laptop node: the status bar shows online or offline, the changes waiting to be pushed and
the last sync ("⇅ offline · 3 pending · synced 10:42"), and a notification says when a sync left new conflicts.

Read in a short thread worker when the workspace opens and again whenever the database changed (the same
watcher the unread count uses: SQLite's `PRAGMA data_version`, which moves when `crmterm sync --loop` or this
TUI commits). On a database that is not a node nothing is shown and nothing is watched."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual import work

from crmterm.i18n import _, fmt_clock, fmt_datetime
from crmterm.screens.common.live_watch import LiveWatch
from crmterm.services.accounts.permissions import Permission
from crmterm.services.sync import sync_views
from crmterm.services.sync.status import SyncStatus
from crmterm.widgets.host import CrmHost, ScreenPart

WATCH_SECONDS = 2.0  # how often the database's change counter is looked at


def sync_badge(state: SyncStatus | None, today: datetime | None = None) -> str:
    """"⇅ offline · 3 pending · conflicts: 2 · synced 10:42"; empty when the database is not a node."""
    if state is None or not state.configured:
        return ""
    online = {True: _("online"), False: _("offline"), None: _("not synced yet")}[state.online]
    parts = [f"⇅ {online}", _("{n} pending").format(n=state.pending)]
    if state.conflicts:
        parts.append(_("conflicts: {n}").format(n=state.conflicts))  # no plural: "1 conflicts"
    if state.last_sync_at is not None:
        parts.append(_("synced {when}").format(when=_when(state.last_sync_at, today)))
    return " · ".join(parts)


def _when(moment: datetime, today: datetime | None) -> str:
    local, now = moment.astimezone(), (today or datetime.now().astimezone())
    return fmt_clock(local) if local.date() == now.date() else fmt_datetime(local, without_year=True)


class SyncWatch(ScreenPart):
    """Mixed into the workspace screen, which provides `refresh_status()` (showing `sync_badge(self.sync_state)`)."""

    if TYPE_CHECKING:
        def refresh_status(self) -> None: ...  # the screen's

    sync_state: SyncStatus | None = None  # None: not a node (or the user may not synchronise)
    _sync_live: LiveWatch | None = None
    _conflicts_seen: int | None = None

    @property
    def sync_node(self) -> bool:
        return self.sync_state is not None

    def start_sync_watch(self) -> None:
        if self.app.gateway.can(Permission.SYNC_USE):
            self.read_sync_state()

    def read_sync_state(self) -> None:
        if self.is_attached:
            self._read_sync_state(self.app)

    @work(thread=True, exclusive=True, group="sync-state")
    def _read_sync_state(self, app: CrmHost) -> None:
        try:
            state = app.gateway.call(sync_views.node_status)
        except Exception:  # noqa: BLE001 - the state is a hint: keep the last one, the next change reads again
            return
        app.call_from_thread(self._sync_state_read, state)

    def _sync_state_read(self, state: SyncStatus) -> None:
        if not state.configured or not self.is_mounted:
            return
        if self._sync_live is None:
            self._sync_live = LiveWatch(self, self.read_sync_state, group="sync-watch", every=WATCH_SECONDS)
            self._sync_live.start(self.app.gateway.settings.database_url)
        self._tell_new_conflicts(state.conflicts)
        if state != self.sync_state:
            self.sync_state = state
            self.refresh_status()
            self.refresh_bindings()  # Alt+Z and the palette's sync entries belong to a node

    def _tell_new_conflicts(self, conflicts: int) -> None:
        seen, self._conflicts_seen = self._conflicts_seen, conflicts
        if conflicts and (seen is None or conflicts > seen):
            message = _("Synchronisation left conflicts to resolve ({n}): Alt+Z shows them").format(n=conflicts)
            self.app.notify(message, title=_("Sync conflicts"), severity="warning", timeout=10)

    def stop_sync_watch(self) -> None:
        if self._sync_live is not None:
            self._sync_live.stop()
