"""The inquiry list of the Queues tab: one row per inquiry, every value rendered literally, marks for group
operations, the sort shown by an arrow in its column header, and the cursor kept on its inquiry when the
rows are reloaded (live refresh replaces the rows under the user's cursor). The SLA column counts down to
the deadline ("⚠ 0:45" once the warning window is reached, "⛔-1:10" once it has passed), recomputed from
the rows held every BADGE_SECONDS without asking the database."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from rich.text import Text
from textual.coordinate import Coordinate
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, ColumnKey

from crmterm.i18n import N_, _, fmt_datetime, pick
from crmterm.services.inquiries.inquiry_log import OPEN_STATES, state_label
from crmterm.services.routing.queues import InquiryRow
from crmterm.services.sla.sla_status import BREACH, WARNING, badge
from crmterm.widgets.layout import shown_columns
from crmterm.widgets.safe_text import plain

COLUMNS = (("mark", ""), ("id", N_("#")), ("priority", N_("Priority")), ("due", N_("Deadline")),
           ("sla", N_("SLA")), ("topic", N_("Topic")), ("customer", N_("Customer")), ("state", N_("State")),
           ("step", N_("Step")), ("assignee", N_("Assignee")))
# Columns of lower importance give way, in this order, when the table is narrower than the width named
# (an 80-column terminal keeps #, priority, SLA, topic and customer instead of cutting them all; the SLA
# column still says how near the deadline is)
HIDE_BELOW = {"step": 100, "assignee": 85, "state": 70, "due": 64}
# With any column hidden, topic and customer share the width the others leave, long ones ending in "…"
SHARED = ("topic", "customer")
SORT_COLUMN = {"age": "id", "work": "priority", "due": "due"}  # the column that shows each sort's arrow
COLUMN_SORT = {column: sort for sort, column in SORT_COLUMN.items()} | {"sla": "due"}
MARK = "●"
BADGE_SECONDS = 30
_BADGE_STYLES = {BREACH: "bold red", WARNING: "bold yellow"}


def deadline_cell(row: InquiryRow) -> Text:
    """Local time, day first; an overdue one in red (the SLA column says it without colour: ⛔)."""
    if row.due_at is None:
        return plain("—", style="dim")
    shown = fmt_datetime(row.due_at, without_year=True)  # deadlines are near: the year only widens the column
    return plain(shown, style="bold red") if row.overdue else plain(shown)


def sla_cell(row: InquiryRow, now: datetime) -> Text:
    """Time left (or past) to the deadline; the icon says the level without colour too."""
    found = badge(row.due_at, row.warn_at, row.state, now)
    if found is None:
        return plain("")
    return plain(found.text, style=_BADGE_STYLES.get(found.level, ""), justify="right")


class InquiryTable(DataTable):
    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.shown: dict[int, InquiryRow] = {}
        self.marked: set[int] = set()
        self.priority_labels: dict[str, str] = {}  # code -> name in the user's language
        self.sorted_by: tuple[str, bool] = ("work", False)
        self.hidden: frozenset[str] = frozenset()
        self.wants: dict[str, int] = {}  # each shown column's widest cell (its header included)

    def on_mount(self) -> None:
        self.set_interval(BADGE_SECONDS, self.refresh_badges)

    def refresh_badges(self) -> None:
        """The countdowns move on: recomputed from the rows held (no query); a deadline passing turns red."""
        now = datetime.now(UTC)
        for inquiry_id, row in self.shown.items():
            passed = row.due_at is not None and row.due_at <= now
            try:
                if ColumnKey("sla") in self.columns:  # the user may show no SLA column
                    self.update_cell(str(inquiry_id), "sla", sla_cell(row, now))
                if passed and not row.overdue and row.state in OPEN_STATES:
                    row.overdue = True
                    if ColumnKey("due") in self.columns:
                        self.update_cell(str(inquiry_id), "due", deadline_cell(row))
            except CellDoesNotExist:  # the columns are being rebuilt
                return

    def on_resize(self) -> None:
        """A narrower (or wider) table hides (or shows) the less important columns, keeping the rows; a narrow
        one shares its new width out again."""
        hide = self._columns_to_hide()
        if self.columns and (hide != self.hidden or hide):
            rows = list(self.shown.values())
            self.set_columns(*self.sorted_by)
            self.show(rows, append=False)

    def _columns_to_hide(self) -> frozenset[str]:
        width = self.size.width
        return frozenset(key for key, below in HIDE_BELOW.items() if 0 < width < below)

    def set_columns(self, sort: str, descending: bool) -> None:
        """Columns again (and no rows): the sorted column's header carries the direction."""
        self.clear(columns=True)
        self.shown.clear()
        self.sorted_by, self.hidden = (sort, descending), self._columns_to_hide()
        self.wants = {}
        arrow_on = SORT_COLUMN.get(sort)
        if arrow_on in self.hidden:
            arrow_on = "sla"  # the deadline gave way: its countdown carries the arrow
        labels = dict(COLUMNS)
        for key in self._keys():
            label = labels[key]
            title = plain((_(label) if label else "") + ((" ↓" if descending else " ↑") if key == arrow_on else ""))
            self.wants[key] = 1 if key == "mark" else title.cell_len  # marks come later
            self.add_column(title, key=key, width=1 if key == "mark" else None)

    def show(self, rows: list[InquiryRow], *, append: bool) -> None:
        """A next page is appended; anything else replaces the rows, keeping the cursor's inquiry."""
        keep, index = self.current_id(), self.cursor_row
        if not append:
            self.clear()
            self.shown.clear()
        fresh = {row.id: row for row in rows if row.id not in self.shown}  # moved between pages: shown once
        cells = {inquiry_id: self._cells(row) for inquiry_id, row in fresh.items()}
        self._share_width(cells.values(), len(self.shown) + len(fresh))
        for inquiry_id, row in fresh.items():
            self.shown[inquiry_id] = row
            self.add_row(*cells[inquiry_id], key=str(inquiry_id))
        if not append:
            self.marked &= set(self.shown)
            self._restore(keep, index)

    def _restore(self, inquiry_id: int | None, index: int) -> None:
        if not self.row_count:
            return
        if inquiry_id in self.shown:
            self.move_cursor(row=self.get_row_index(str(inquiry_id)))
        else:
            self.move_cursor(row=min(index, self.row_count - 1))

    def _cells(self, row: InquiryRow) -> tuple:
        priority = self.priority_labels.get(row.priority, row.priority) if row.priority else ""
        cells = (plain(MARK if row.id in self.marked else ""), plain(str(row.id), justify="right"),
                 plain(priority), deadline_cell(row), sla_cell(row, datetime.now(UTC)),
                 plain(pick(row.topic_labels, row.topic)), plain(row.customer or _("Anonymous caller")),
                 plain(state_label(row.state)), plain(row.step_label or row.step or ""), plain(row.assignee or ""))
        by_key = {key: cell for (key, _label), cell in zip(COLUMNS, cells)}
        for key in SHARED:
            by_key[key].overflow = "ellipsis"  # cut to its share of a narrow table, visibly
        return tuple(by_key[key] for key in self._keys())

    def _keys(self) -> list[str]:
        """The shown columns in the user's order (their workspace), less those the width hides; marks first."""
        return ["mark", *(key for key in shown_columns(self.app, "queue") if key not in self.hidden)]

    def _share_width(self, rows: Iterable[tuple[Text, ...]], count: int) -> None:
        """With columns hidden, topic and customer get what the other columns leave (each its own width
        when both fit), so the customer is never pushed off the right edge. Set before the rows are added:
        adding them re-renders every cell at the new widths."""
        keys = self._keys()
        for row in rows:
            for key, cell in zip(keys, row):
                self.wants[key] = max(self.wants.get(key, 0), cell.cell_len)
        shared = [key for key in SHARED if key in keys]  # the user may have left one out
        if not self.hidden or len(shared) != len(SHARED):
            return
        padding = 2 * self.cell_padding
        scrollbar = self.styles.scrollbar_size_vertical if count + 1 > self.size.height else 0
        free = self.size.width - scrollbar - sum(self.wants[key] + padding for key in keys if key not in SHARED)
        free -= padding * len(SHARED)
        topic_wants, customer_wants = (self.wants[key] for key in SHARED)
        topic = min(topic_wants, max(free // 2, free - customer_wants))
        for key, width in zip(SHARED, (topic, min(customer_wants, free - topic))):
            column = self.columns[ColumnKey(key)]
            column.auto_width, column.width = False, max(width, 1)

    def current_id(self) -> int | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0)).row_key.value
        return int(key) if key is not None else None  # rows are always added with their inquiry id as key

    def toggle_mark(self) -> None:
        """Mark or unmark the cursor's row and step down, so Space Space Space marks a run of rows."""
        inquiry_id = self.current_id()
        if inquiry_id is None:
            return
        self.marked ^= {inquiry_id}
        self.update_cell(str(inquiry_id), "mark", plain(MARK if inquiry_id in self.marked else ""))
        if self.cursor_row < self.row_count - 1:
            self.move_cursor(row=self.cursor_row + 1)

    def selection(self) -> list[int]:
        """The marked inquiries in list order, else the one under the cursor."""
        if self.marked:
            return [i for i in self.shown if i in self.marked]
        current = self.current_id()
        return [current] if current is not None else []

    def near_the_end(self) -> bool:
        return self.row_count > 0 and self.cursor_row >= self.row_count - 5
