"""Queues tab: my queues with counts on the left; on the right the chosen queue's inquiries by keyset pages of
50 (the next page when the cursor nears the bottom; a queue is never loaded whole), filter tabs, sorting,
take-next, marks and group operations. Every database call runs in a worker; another agent's change shows
within a second through the live watcher (queue_live)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Label, OptionList, Static

from crmterm.errors import CrmError
from crmterm.i18n import N_, _, pick
from crmterm.screens.inquiry.inquiry_view import InquiryScreen
from crmterm.screens.queues.queue_bulk import QueueBulk
from crmterm.screens.queues.queue_filters import BUILT_IN, QueueFilters, filter_tabs
from crmterm.screens.queues.queue_live import LiveRefresh
from crmterm.services.accounts.permissions import Permission
from crmterm.services.directory import directory
from crmterm.services.routing import agent_skills, queues
from crmterm.services.routing.queues import PAGE, InquiryFilter, Page, QueueCounts
from crmterm.text import visible
from crmterm.widgets.first_view import FirstView
from crmterm.widgets.inquiry_table import COLUMN_SORT, InquiryTable
from crmterm.widgets.queue_list import QueueList, legend

SORTS = {"work": N_("work order"), "due": N_("deadline"), "age": N_("age")}
MAX_RELOAD = 4 * PAGE  # a live reload re-reads what is shown, up to this many rows


class QueuesPanel(QueueFilters, QueueBulk, LiveRefresh, FirstView, Horizontal):
    BINDINGS = [
        Binding("f5", "take_next", N_("Take next"), id="queues.take"),
        Binding("space", "mark", N_("Mark"), id="queues.mark"),
        Binding("f6", "bulk", N_("Group action"), id="queues.bulk"),
        Binding("shift+f6", "bulk_filter", N_("Group action on the whole filter"), id="queues.bulk_filter",
                show=False),
        Binding("f7", "sort", N_("Sort"), id="queues.sort"),
        Binding("f8", "reverse", N_("Reverse"), id="queues.reverse"),
        Binding("ctrl+s", "save_filter", N_("Save filter"), id="queues.save_filter"),
        Binding("ctrl+delete", "delete_filter", N_("Delete filter"), id="queues.delete_filter"),
        Binding("ctrl+e", "edit_filter", N_("Edit filter"), id="queues.edit_filter", show=False),
    ]

    def __init__(self, state: dict | None = None) -> None:
        super().__init__(id="queues-panel")
        state = state or {}  # what was shown before a language switch re-rendered the tab
        self.list_code: str | None = state.get("queue")  # the queue highlighted on the left
        self.tab_id = state.get("tab", "f-open")
        self.where = state.get("where") or InquiryFilter(queue=self.list_code)
        self.sort, self.descending = state.get("sort", "work"), state.get("descending", False)
        self.cursor: list | None = None  # keyset cursor of the next page; None: no more (or loading)
        self.generation = 0  # answers of an older query are dropped

    def compose(self) -> ComposeResult:
        with Vertical(id="queues-left"):
            yield Label(_("My queues"), classes="pane-title")
            yield Label(legend(self._staffing), classes="hint", id="queue-legend")
            yield QueueList(id="queue-list")
        with Vertical(id="queues-right"):
            yield filter_tabs(self.tab_id)
            yield Static("", id="queue-title", markup=False)
            yield InquiryTable(id="queue-rows")

    @property
    def _staffing(self) -> bool:
        """Supervisors see per queue how many logged-in agents can take its work."""
        return self.app.gateway.can(Permission.INQUIRIES_SUPERVISE)

    @property
    def table(self) -> InquiryTable:
        return self.query_one(InquiryTable)

    def on_mount(self) -> None:
        self.table.set_columns(self.sort, self.descending)
        self.load_counts()
        self.load_priorities()
        self.load_saved(activate=self.tab_id)
        self.start_watching()  # the first rows load when the filter tab activates (or the queues arrive)

    def on_unmount(self) -> None:
        self.stop_watching()

    def state(self) -> dict:
        return {"queue": self.list_code, "tab": self.tab_id, "where": self.where, "sort": self.sort,
                "descending": self.descending}

    def focus_list(self) -> None:
        (self.table if self.table.row_count else self.query_one(QueueList)).focus()

    # --- queues and counts ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="queue-counts")
    def load_counts(self) -> None:
        try:
            counts = self.app.gateway.call(queues.my_queues)
            if self._staffing:
                able = {q.code: q.can_take for q in self.app.gateway.call(agent_skills.staffing)}
                counts = [q.model_copy(update={"can_take": able.get(q.code)}) for q in counts]
        except CrmError as error:
            self.app.call_from_thread(self._read_failed, error)
            return
        self.app.call_from_thread(self._counts_loaded, counts)

    def _read_failed(self, error: CrmError) -> None:
        self.app.notify(str(error), severity="error")
        self.first_view_in()  # what there is stays shown, and the keys typed meanwhile go on

    def _counts_loaded(self, counts: list[QueueCounts]) -> None:
        first_time = self.list_code is None
        if first_time and counts:
            self.list_code = counts[0].code  # start on the first queue the admin ordered
        self.query_one(QueueList).show(counts, keep=self.list_code)
        if not counts:
            self.first_view_in()  # no queue, no rows to wait for
        if first_time and counts and self.tab_id in BUILT_IN:
            self.where = self.where.model_copy(update={"queue": self.list_code})
            self.reload()
        self._retitle()

    @on(OptionList.OptionHighlighted, "#queue-list")
    def queue_chosen(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id == self.list_code:
            return  # the counts were redrawn under the same highlight
        self.list_code = event.option.id
        self.where = self.where.model_copy(update={"queue": self.list_code})
        self.reload()

    @on(OptionList.OptionSelected, "#queue-list")
    def queue_entered(self) -> None:
        self.table.focus()

    def bulk_choices(self) -> dict[str, list[str]]:
        return {"transfer": list(self.query_one(QueueList).counts), "priority": list(self.table.priority_labels)}

    @work(thread=True, group="queue-priorities")
    def load_priorities(self) -> None:
        """Priority names in the user's language (configuration-sized, read once)."""
        try:
            entries = self.app.gateway.call(directory.list_entries, kind="priorities")
        except CrmError:
            return  # the codes are shown instead
        labels = {e.key: pick(e.values.get("labels"), e.key) for e in entries}
        self.app.call_from_thread(self._priorities_loaded, labels)

    def _priorities_loaded(self, labels: dict[str, str]) -> None:
        self.table.priority_labels = labels
        self.table.show(list(self.table.shown.values()), append=False)

    # --- rows by keyset pages ------------------------------------------------------------------------
    def reload(self, keep_loaded: bool = False) -> None:
        """The first page again (a live refresh re-reads as many rows as are shown, within a bound)."""
        self.generation += 1
        self.cursor = None  # no paging on until the fresh first page is in
        if self._no_queue():
            self.table.set_columns(self.sort, self.descending)
            self._retitle()
            return
        limit = min(max(PAGE, self.table.row_count), MAX_RELOAD) if keep_loaded else PAGE
        if not keep_loaded:
            self.table.set_columns(self.sort, self.descending)
        self._fetch(self.generation, self.where, self.sort, self.descending, None, limit)
        self._retitle()

    @work(thread=True, exclusive=True, group="queue-rows")
    def _fetch(self, generation: int, where: InquiryFilter, sort: str, descending: bool, after: list | None,
               limit: int) -> None:
        try:
            found = self.app.gateway.call(queues.page, where=where, sort=sort, descending=descending, after=after,
                                          limit=limit)
        except CrmError as error:
            self.app.call_from_thread(self._read_failed, error)
            return
        self.app.call_from_thread(self._rows_loaded, generation, after, found)

    def _rows_loaded(self, generation: int, after: list | None, found: Page) -> None:
        if generation != self.generation:
            return  # the filter, sort or queue changed meanwhile
        self.table.show(found.rows, append=after is not None)
        self.first_view_in()
        self.cursor = found.cursor
        self._retitle()
        self._next_page_if_near_the_end()

    @on(DataTable.RowHighlighted, "#queue-rows")
    def _row_highlighted(self) -> None:
        self._next_page_if_near_the_end()

    def _next_page_if_near_the_end(self) -> None:
        if self.cursor is not None and self.table.near_the_end():
            after, self.cursor = self.cursor, None  # one page request at a time
            self._fetch(self.generation, self.where, self.sort, self.descending, after, PAGE)

    def refresh_all(self) -> None:
        self._stale = False
        self.load_counts()
        self.reload(keep_loaded=True)

    def _no_queue(self) -> bool:
        """A built-in filter lists one queue: without one (not loaded yet, or none) there is nothing to ask."""
        return self.where.queue is None and self.tab_id in BUILT_IN

    def _retitle(self) -> None:
        if self._no_queue():
            self.query_one("#queue-title", Static).update(_("No queue chosen"))
            return
        arrow = "↓" if self.descending else "↑"
        parts = [self.query_one(QueueList).label(self.where.queue), self.filter_label(),
                 _("sorted by {sort}").format(sort=_(SORTS[self.sort])) + f" {arrow}",
                 _("shown: {n}").format(n=self.table.row_count) + ("+" if self.cursor else "")]
        if self.table.marked:
            parts.append(_("marked: {n}").format(n=len(self.table.marked)))
        self.query_one("#queue-title", Static).update(visible(" · ".join(parts)))

    # --- sorting ---------------------------------------------------------------------------------------
    def action_sort(self) -> None:
        order = list(SORTS)
        self._sort_by(order[(order.index(self.sort) + 1) % len(order)], self.descending)

    def action_reverse(self) -> None:
        self._sort_by(self.sort, not self.descending)

    @on(DataTable.HeaderSelected, "#queue-rows")
    def _header_clicked(self, event: DataTable.HeaderSelected) -> None:
        sort = COLUMN_SORT.get(event.column_key.value or "")  # every column has its key
        if sort is not None:  # the same column again flips the direction
            self._sort_by(sort, not self.descending if sort == self.sort else False)

    def _sort_by(self, sort: str, descending: bool) -> None:
        self.sort, self.descending = sort, descending
        self.reload()

    # --- work ------------------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "take_next":
            return self.app.gateway.can(Permission.INQUIRIES_WRITE)
        if action in ("bulk", "bulk_filter"):
            return self.app.gateway.can(Permission.INQUIRIES_SUPERVISE)
        return True

    def action_take_next(self) -> None:
        queue = self.where.queue or self.list_code  # a saved filter over all queues: the one highlighted
        if queue is None:
            self.app.notify(_("Choose a queue on the left first"), severity="warning")
            return
        self._take_next(queue)

    @work(thread=True, exclusive=True, group="queue-take")
    def _take_next(self, queue: str) -> None:
        try:
            taken = self.app.gateway.call(queues.take_next, queue=queue)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._taken, queue, taken)

    def _taken(self, queue: str, taken: int | None) -> None:
        if taken is None:
            label = self.query_one(QueueList).label(queue)
            self.app.notify(_("Nothing is waiting in {queue}").format(queue=label), severity="warning")
            return
        self.refresh_all()
        self.open_inquiry(taken)

    @on(DataTable.RowSelected, "#queue-rows")
    def _row_entered(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:  # every row is keyed by its inquiry id
            self.open_inquiry(int(event.row_key.value))

    def open_inquiry(self, inquiry_id: int) -> None:
        self.app.push_screen(InquiryScreen(inquiry_id), lambda _result: self.refresh_all())

    def action_mark(self) -> None:
        self.table.toggle_mark()
        self._retitle()
