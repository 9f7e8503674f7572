"""Filter tabs of the Queues tab: built-in state filters for the chosen queue, then the user's saved filters and
those shared with their groups (Ctrl+S saves the current filter under a name, Ctrl+E opens the filter editor
on it, Ctrl+Delete deletes the active saved one after a yes)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from textual import work
from textual.widgets import Tab, Tabs

from crmterm.errors import CrmError
from crmterm.i18n import N_, _
from crmterm.screens.common.dialogs import ConfirmScreen, PromptScreen
from crmterm.screens.queues.filter_editor import FilterEditor
from crmterm.services.routing import saved_filters
from crmterm.services.routing.queues import InquiryFilter
from crmterm.services.routing.saved_filters import SavedFilterRead
from crmterm.widgets.host import WidgetPart
from crmterm.widgets.safe_text import plain

BUILT_IN = {  # tab id -> label, filter fields (the queue comes from the list on the left)
    "f-open": (N_("Open"), {"state": "open"}),
    "f-waiting": (N_("Waiting"), {"state": "waiting"}),
    "f-taken": (N_("Taken"), {"state": "assigned"}),  # as counted on the left: taken or in progress
    "f-mine": (N_("Mine"), {"state": "open", "assignee": "me"}),
    "f-closed": (N_("Closed"), {"state": "closed"}),  # where a supervisor finds what to reopen
}
SAVED = "s-"  # saved filter tabs are "s-<index>": a user's name may hold anything, so it is no widget id


def filter_tabs(active: str) -> Tabs:
    return Tabs(*(Tab(_(label), id=tab_id) for tab_id, (label, _fields) in BUILT_IN.items()),
                id="queue-filters", active=active if active in BUILT_IN else None)


class QueueFilters(WidgetPart):
    """Mixed into the panel, which provides `where`, `list_code`, `reload()`."""

    saved: list[SavedFilterRead] = []
    tab_id = "f-open"
    where: InquiryFilter  # set by the panel: the filter the rows are read with
    list_code: str | None  # set by the panel: the queue highlighted on the left

    if TYPE_CHECKING:
        def reload(self, keep_loaded: bool = False) -> None: ...  # the panel's: the first page again

    @work(thread=True, exclusive=True, group="queue-saved")
    def load_saved(self, activate: str | None = None) -> None:
        """`activate`: a tab id, or the name of a saved filter to show once it is a tab."""
        try:
            found = self.app.gateway.call(saved_filters.list_filters)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        # Typed as Textual's `T | Awaitable[T]` spells it: mypy cannot solve that from a bare coroutine function.
        loaded: Callable[[list[SavedFilterRead], str | None], Awaitable[None] | None] = self._saved_loaded
        self.app.call_from_thread(loaded, found, activate)

    async def _saved_loaded(self, found: list[SavedFilterRead], activate: str | None) -> None:
        tabs = self.query_one("#queue-filters", Tabs)
        for tab in list(tabs.query(Tab)):
            if tab.id and tab.id.startswith(SAVED):
                await tabs.remove_tab(tab)
        self.saved = found
        for index, item in enumerate(found):
            await tabs.add_tab(Tab(plain(item.name if item.mine else f"{item.name} · {item.owner}"),
                                   id=f"{SAVED}{index}"))
        target = self._tab_for(activate)
        if target and tabs.query(f"#{target}"):
            tabs.active = target

    def _tab_for(self, activate: str | None) -> str | None:
        """The tab id `activate` names: a saved filter's name first, else a tab id (never a user's text)."""
        named = [f"{SAVED}{i}" for i, item in enumerate(self.saved) if item.name == activate]
        if named:
            return named[0]
        if activate is None:
            return None
        is_saved_tab = activate.startswith(SAVED) and activate[len(SAVED):].isdecimal()
        return activate if activate in BUILT_IN or is_saved_tab else None

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:  # by name: @on is not seen in mixins
        if event.tabs.id != "queue-filters":
            return
        event.stop()  # the workspace's TabbedContent must not take this for its own tabs
        if event.tab is None or event.tab.id is None:
            return
        if event.tab.id in BUILT_IN:
            self.where = InquiryFilter(queue=self.list_code, **BUILT_IN[event.tab.id][1])
        else:
            index = int(event.tab.id.removeprefix(SAVED))
            if index >= len(self.saved):
                return  # a tab of the list being replaced: the new list activates its own
            self.where = self.saved[index].where
        self.tab_id = event.tab.id
        self.reload()

    def filter_label(self) -> str:
        if self.tab_id in BUILT_IN:
            return _(BUILT_IN[self.tab_id][0])
        active = self._active_saved()
        return active.name if active else ""

    def _active_saved(self) -> SavedFilterRead | None:
        index = int(self.tab_id.removeprefix(SAVED)) if self.tab_id.startswith(SAVED) else len(self.saved)
        return self.saved[index] if index < len(self.saved) else None

    def action_edit_filter(self) -> None:
        editing = self._active_saved()
        if editing is not None and not editing.editable:
            self.app.notify(_("Only {owner} or a supervisor may change this filter").format(owner=editing.owner),
                            severity="warning")
            return

        def saved(name: str | None) -> None:
            if name:
                self.load_saved(activate=name)
        self.app.push_screen(FilterEditor(editing.where if editing else self.where, editing), saved)

    def action_save_filter(self) -> None:
        def named(name: str | None) -> None:
            if name:
                self._save_filter(name, self.where)
        current = "" if self.tab_id in BUILT_IN else self.filter_label()
        self.app.push_screen(PromptScreen(_("Save the current filter as"), current), named)

    @work(thread=True, exclusive=True, group="queue-saved-change")
    def _save_filter(self, name: str, where: InquiryFilter) -> None:
        try:
            saved = self.app.gateway.call(saved_filters.save_filter, name=name, where=where)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self.app.notify, _("Filter saved: {name}").format(name=saved.name))
        self.load_saved(activate=saved.name)

    def action_delete_filter(self) -> None:
        if self.tab_id in BUILT_IN:
            self.app.notify(_("Built-in filters cannot be deleted"), severity="warning")
            return
        active = self._active_saved()
        if active is None:
            return
        name, owner = active.name, None if active.mine else active.owner

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._delete_filter(name, owner)
        self.app.push_screen(ConfirmScreen(_("Delete the saved filter “{name}”?").format(name=name)), confirmed)

    @work(thread=True, exclusive=True, group="queue-saved-change")
    def _delete_filter(self, name: str, owner: str | None) -> None:
        try:
            self.app.gateway.call(saved_filters.delete_filter, name=name, owner=owner)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.load_saved(activate="f-open")
