"""Sync conflicts (Alt+Z or "Sync conflicts" in the command palette, on a laptop node): what the last syncs
could not apply — a field changed both here and on the server, or a change the server refused — with both
values. O keeps ours (sent again at the next sync, over the server's), T takes theirs (ours is dropped; for a
refused change: acknowledged), E edits the value; O and T ask first, since each drops a value. S synchronises
now, L opens the sync log. Nothing is resolved silently: a conflict stays listed until the user chooses."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label, Static

from crmterm.errors import CrmError
from crmterm.i18n import N_, _
from crmterm.screens.common.dialogs import ConfirmScreen
from crmterm.screens.sync.conflict_edit import ConflictEditDialog
from crmterm.screens.sync.conflict_values import detail_lines, field_label, shown_value
from crmterm.screens.sync.sync_log import SyncLogScreen
from crmterm.screens.sync.sync_now import start_sync
from crmterm.services.sync import resolve, sync_views
from crmterm.services.sync.status import ConflictView
from crmterm.text import visible
from crmterm.widgets.chrome import TranslatedFooter
from crmterm.widgets.host import CrmScreen
from crmterm.widgets.safe_text import plain


class ConflictsScreen(CrmScreen[None]):
    CSS_PATH = "sync.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", N_("Back"), id="sync_conflicts.back"),
        Binding("o", "keep_ours", N_("Keep ours"), id="sync_conflicts.ours"),
        Binding("t", "take_theirs", N_("Take theirs"), id="sync_conflicts.theirs"),
        Binding("e", "edit", N_("Edit"), id="sync_conflicts.edit"),
        Binding("l", "sync_log", N_("Sync log"), id="sync_conflicts.log"),
        Binding("s", "sync_now", N_("Sync now"), id="sync_conflicts.sync", show=False),  # F1 lists it
        Binding("f5", "reload", N_("Reload"), id="sync_conflicts.reload", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.found: list[ConflictView] = []

    def compose(self) -> ComposeResult:
        yield Label(_("Sync conflicts"), id="sync-title", markup=False)
        yield DataTable(id="sync-conflicts", cursor_type="row", zebra_stripes=True)
        yield Static("", id="sync-conflict-detail", markup=False)
        yield TranslatedFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(_("What"), key="what", width=22)
        table.add_column(_("Field"), key="field", width=16)
        table.add_column(_("Ours"), key="ours", width=15)
        table.add_column(_("Theirs"), key="theirs", width=15)
        self.action_reload()

    def action_reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="sync-conflicts")
    def _load(self) -> None:
        try:
            found = self.app.gateway.call(sync_views.open_conflicts)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._loaded, found)

    def _loaded(self, found: list[ConflictView]) -> None:
        table = self.query_one(DataTable)
        keep = table.cursor_row
        self.found = found
        table.clear()
        for conflict in found:
            theirs = conflict.message if conflict.kind != "field" else conflict.theirs
            # plain: a DataTable reads a str cell as markup, and labels and values are user data
            table.add_row(plain(conflict.label), plain(field_label(conflict)), plain(shown_value(conflict.ours)),
                          plain(shown_value(theirs)), key=str(conflict.id))
        if found:
            table.move_cursor(row=min(keep, len(found) - 1))
        table.focus()
        self._show_detail()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        chosen = self._selected()
        detail = self.query_one("#sync-conflict-detail", Static)
        if chosen is None:
            detail.update(_("No conflicts: everything this laptop changed has reached the server."))
        else:
            detail.update("\n".join(detail_lines(chosen)))

    def _selected(self) -> ConflictView | None:
        table = self.query_one(DataTable)
        if not self.found or table.cursor_row < 0 or table.cursor_row >= len(self.found):
            return None
        return self.found[table.cursor_row]

    def _field_conflict(self) -> ConflictView | None:
        """The highlighted conflict if it is about a field's value (a refused change is only acknowledged)."""
        chosen = self._selected()
        if chosen is not None and chosen.kind != "field":
            self.app.notify(_("The server refused this change: T acknowledges it"), severity="warning")
            return None
        return chosen

    def action_keep_ours(self) -> None:
        chosen = self._field_conflict()
        if chosen is None:
            return
        question = _("Keep ours ({ours}) for {what}? The server's value {theirs} is replaced at the next sync.")
        self._confirmed(chosen, "ours", question.format(ours=shown_value(chosen.ours), what=visible(chosen.label),
                                                         theirs=shown_value(chosen.theirs)))

    def action_take_theirs(self) -> None:
        chosen = self._selected()
        if chosen is None:
            return
        if chosen.kind != "field":
            question = _("Acknowledge that the server refused {what}? The change made here is dropped.")
            self._confirmed(chosen, "theirs", question.format(what=f"{visible(chosen.label)} · {chosen.field}"))
            return
        question = _("Take theirs ({theirs}) for {what}? Ours ({ours}) is dropped.")
        self._confirmed(chosen, "theirs", question.format(theirs=shown_value(chosen.theirs),
                                                           what=visible(chosen.label), ours=shown_value(chosen.ours)))

    def _confirmed(self, chosen: ConflictView, choice: str, question: str) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self._resolve(chosen.id, choice)

        self.app.push_screen(ConfirmScreen(question), answered)

    @work(thread=True, exclusive=True, group="sync-resolve")
    def _resolve(self, conflict_id: int, choice: str) -> None:
        try:
            done = self.app.gateway.call(resolve.resolve_conflict, conflict_id=conflict_id, choice=choice)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._resolved, done)

    def _resolved(self, done: ConflictView | None) -> None:
        if done is not None:
            self.app.notify(_("Resolved: {what} · {field}").format(what=visible(done.label), field=field_label(done)))
            self.action_reload()

    def action_edit(self) -> None:
        chosen = self._field_conflict()
        if chosen is None:
            return
        self.app.push_screen(ConflictEditDialog(chosen), self._resolved)

    def action_sync_now(self) -> None:
        start_sync(self, then=self.action_reload)  # what the sync left is listed at once

    def action_sync_log(self) -> None:
        self.app.push_screen(SyncLogScreen())
