"""The notification centre (Ctrl+B): the user's in-app notifications, newest first, read a page at a time as
the cursor nears the bottom. The highlighted one's text shows below the list. Enter marks it read and, when
it is about an inquiry, opens the inquiry; R marks it read; A marks all read; Escape closes."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Label, Static

from crmterm.i18n import N_, _, fmt_datetime
from crmterm.services.sla import notification_inbox
from crmterm.services.sla.notification_inbox import NotificationPage, NotificationRead
from crmterm.text import visible
from crmterm.widgets.chrome import TranslatedFooter, unread_badge
from crmterm.widgets.host import CrmModal
from crmterm.widgets.safe_text import plain

UNREAD = "●"
COLUMNS = (("unread", ""), ("at", N_("Received")), ("subject", N_("Subject")), ("inquiry", N_("Inquiry")))


class NotificationCentre(CrmModal[int | None]):
    """Dismissed with the inquiry to open, or None."""

    CSS_PATH = "notifications.tcss"
    BINDINGS = [
        Binding("escape", "dismiss(None)", N_("Close"), id="notifications.close"),
        Binding("enter", "open", N_("Open"), id="notifications.open"),
        Binding("r", "mark_read", N_("Mark read"), id="notifications.read"),
        Binding("a", "mark_all_read", N_("Mark all read"), id="notifications.read_all"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.shown: dict[int, NotificationRead] = {}
        self.cursor: int | None = None  # keyset cursor of the next (older) page; None: no more, or loading
        self.unread = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="notification-centre"):
            yield Label(_("Notifications"), classes="dialog-title", id="notification-title")
            yield DataTable(id="notification-list", cursor_type="row", zebra_stripes=True)
            yield Static("", id="notification-body", markup=False)
            yield Label(_("Enter — mark read and open its inquiry · R — mark read · A — mark all read"),
                        classes="hint", id="notification-hint")
        yield TranslatedFooter()

    @property
    def table(self) -> DataTable:
        return self.query_one("#notification-list", DataTable)

    def on_mount(self) -> None:
        for key, label in COLUMNS:
            self.table.add_column(_(label) if label else "", key=key, width=1 if key == "unread" else None)
        self.table.focus()
        self.load_page(None)

    # --- pages -------------------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="notification-page")
    def load_page(self, before: int | None) -> None:
        page = self.app.gateway.call(notification_inbox.inbox, before=before)
        unread = self.app.gateway.call(notification_inbox.unread_count) if before is None else None
        self.app.call_from_thread(self._page_loaded, page, unread)

    def _page_loaded(self, page: NotificationPage, unread: int | None) -> None:
        if unread is not None:
            self._set_unread(unread)
        for row in page.rows:
            if row.id not in self.shown:
                self.shown[row.id] = row
                self.table.add_row(*_cells(row), key=str(row.id))
        self.cursor = page.cursor
        if not self.shown:
            self.query_one("#notification-body", Static).update(_("No notifications"))
        elif len(self.shown) == len(page.rows):  # the first page: show the newest one's text
            self._show(self.current())

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show(self.current())
        if self.cursor is not None and self.table.cursor_row >= self.table.row_count - 5:
            before, self.cursor = self.cursor, None  # one page request at a time
            self.load_page(before)

    def _show(self, row: NotificationRead | None) -> None:
        if row is None:
            return
        text = plain(row.subject, style="bold")
        text.append("\n\n" + visible(row.body.rstrip()))
        self.query_one("#notification-body", Static).update(text)

    def current(self) -> NotificationRead | None:
        if not self.table.row_count:
            return None
        key = self.table.coordinate_to_cell_key(Coordinate(self.table.cursor_row, 0)).row_key.value
        return self.shown.get(int(key)) if key is not None else None  # every row is keyed by its id

    # --- reading -----------------------------------------------------------------------------------------
    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        row = self.current()
        if row is not None:
            self.mark([row.id], then_open=row.inquiry_id)

    def action_mark_read(self) -> None:
        row = self.current()
        if row is not None and row.state == "sent":
            self.mark([row.id])

    def action_mark_all_read(self) -> None:
        self.mark(None)

    @work(thread=True, exclusive=True, group="notification-mark")
    def mark(self, ids: list[int] | None, then_open: int | None = None) -> None:
        self.app.gateway.call(notification_inbox.mark_read, ids=ids)
        self.app.call_from_thread(self._marked, ids, then_open)

    def _marked(self, ids: list[int] | None, then_open: int | None) -> None:
        changed = 0
        for notification_id in ids if ids is not None else list(self.shown):
            row = self.shown[notification_id]
            if row.state == "sent":
                changed += 1
                self.shown[notification_id] = row.model_copy(update={"state": "read"})
                self.table.update_cell(str(notification_id), "unread", "")
                self.table.update_cell(str(notification_id), "subject", plain(row.subject))
        self._set_unread(0 if ids is None else max(0, self.unread - changed))
        if then_open is not None:
            self.dismiss(then_open)


    def _set_unread(self, unread: int) -> None:
        self.unread = unread
        title = _("Notifications")
        if unread:
            title += " · " + _("unread: {n}").format(n=unread_badge(unread).removeprefix("✉ "))
        self.query_one("#notification-title", Label).update(title)


def _cells(row: NotificationRead) -> tuple:
    unread = row.state == "sent"
    return (plain(UNREAD if unread else "", style="bold"),
            plain(fmt_datetime(row.created_at)),
            plain(row.subject, style="bold" if unread else ""),
            plain(f"#{row.inquiry_id}" if row.inquiry_id else "", justify="right"))
