"""The inquiry list of the Queues tab: one row per inquiry, every value rendered literally, marks for group
operations, the sort shown by an arrow in its column header, and the cursor kept on its inquiry when the
rows are reloaded (live refresh replaces the rows under the user's cursor). The SLA column counts down to
the deadline ("⚠ 0:45" once the warning window is reached, "⛔-1:10" once it has passed), recomputed from
the rows held every BADGE_SECONDS without asking the database."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text
from textual.coordinate import Coordinate
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist

from crmterm.i18n import N_, _, fmt_datetime, pick
from crmterm.services.inquiries.inquiry_log import OPEN_STATES, state_label
from crmterm.services.routing.queues import InquiryRow
from crmterm.services.sla.sla_status import BREACH, WARNING, badge
from crmterm.widgets.safe_text import plain

COLUMNS = (("mark", ""), ("id", N_("#")), ("priority", N_("Priority")), ("due", N_("Deadline")),
           ("sla", N_("SLA")), ("topic", N_("Topic")), ("customer", N_("Customer")), ("state", N_("State")),
           ("step", N_("Step")), ("assignee", N_("Assignee")))
# Columns of lower importance give way, in this order, when the table is narrower than the width named
# (an 80-column terminal keeps #, priority, deadline, SLA, topic and customer instead of cutting them all)
HIDE_BELOW = {"step": 100, "assignee": 85, "state": 70}
SORT_COLUMN = {"age": "id", "work": "priority", "due": "due"}  # the column that shows each sort's arrow
COLUMN_SORT = {column: sort for sort, column in SORT_COLUMN.items()}
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

    def on_mount(self) -> None:
        self.set_interval(BADGE_SECONDS, self.refresh_badges)

    def refresh_badges(self) -> None:
        """The countdowns move on: recomputed from the rows held (no query); a deadline passing turns red."""
        now = datetime.now(UTC)
        for inquiry_id, row in self.shown.items():
            passed = row.due_at is not None and row.due_at <= now
            try:
                self.update_cell(str(inquiry_id), "sla", sla_cell(row, now))
                if passed and not row.overdue and row.state in OPEN_STATES:
                    row.overdue = True
                    self.update_cell(str(inquiry_id), "due", deadline_cell(row))
            except CellDoesNotExist:  # the columns are being rebuilt
                return

    def on_resize(self) -> None:
        """A narrower (or wider) table hides (or shows) the less important columns, keeping the rows."""
        if self._columns_to_hide() != self.hidden and self.columns:
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
        for key, label in COLUMNS:
            if key in self.hidden:
                continue
            title = _(label) if label else ""
            if SORT_COLUMN.get(sort) == key:
                title += " ↓" if descending else " ↑"
            self.add_column(plain(title), key=key, width=1 if key == "mark" else None)  # marks come later

    def show(self, rows: list[InquiryRow], *, append: bool) -> None:
        """A next page is appended; anything else replaces the rows, keeping the cursor's inquiry."""
        keep, index = self.current_id(), self.cursor_row
        if not append:
            self.clear()
            self.shown.clear()
        for row in rows:
            if row.id in self.shown:
                continue  # moved between pages while the user scrolled: shown once
            self.shown[row.id] = row
            self.add_row(*self._cells(row), key=str(row.id))
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
        return tuple(cell for (key, _label), cell in zip(COLUMNS, cells) if key not in self.hidden)

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
