"""The sync log (L on the conflict screen, or "Sync log" in the command palette): the last synchronisations of
this laptop, newest first — when, how many changes went up and came down, conflicts and refusals, the bytes
each way, and the error of one that failed (the server unreachable: the changes wait for the next). Read-only."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label

from crmterm.errors import CrmError
from crmterm.i18n import N_, _, fmt_datetime, fmt_number
from crmterm.services.sync import sync_views
from crmterm.services.sync.status import SyncLogView
from crmterm.widgets.chrome import TranslatedFooter
from crmterm.widgets.host import CrmScreen
from crmterm.widgets.safe_text import plain

_UNITS = ("B", "kB", "MB", "GB")


def shown_bytes(count: int) -> str:
    """1 536 → "1.5 kB": a log column has room for a few characters."""
    size, unit = float(count), 0
    while size >= 1000 and unit < len(_UNITS) - 1:
        size, unit = size / 1000, unit + 1
    return f"{fmt_number(round(size, 1) if unit else int(size))} {_UNITS[unit]}"


class SyncLogScreen(CrmScreen[None]):
    CSS_PATH = "sync.tcss"
    BINDINGS = [Binding("escape", "app.pop_screen", N_("Back"), id="sync_log.back"),
                Binding("f5", "reload", N_("Reload"), id="sync_log.reload")]

    def compose(self) -> ComposeResult:
        yield Label(_("Sync log"), id="sync-title", markup=False)
        yield DataTable(id="sync-log", cursor_type="row", zebra_stripes=True)
        yield TranslatedFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, heading in (("at", _("When")), ("pushed", _("Up")), ("pulled", _("Down")),
                             ("conflicts", _("Conflicts")), ("refused", _("Refused")), ("bytes", _("Bytes ↑/↓")),
                             ("error", _("Error"))):
            table.add_column(heading, key=key)
        self.action_reload()

    def action_reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="sync-log")
    def _load(self) -> None:
        try:
            found = self.app.gateway.call(sync_views.recent_syncs)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._loaded, found)

    def _loaded(self, found: list[SyncLogView]) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for run in found:
            table.add_row(fmt_datetime(run.started_at, without_year=True), str(run.pushed), str(run.pulled),
                          str(run.conflicts), str(run.refused),
                          f"{shown_bytes(run.bytes_up)}/{shown_bytes(run.bytes_down)}",
                          plain(run.error or ""), key=str(run.id))  # plain: the server's words, not markup
        if not found:
            self.notify(_("No synchronisation yet: run crmterm sync"))
        table.focus()
