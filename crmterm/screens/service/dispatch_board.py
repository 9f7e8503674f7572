"""The dispatch board (issue 27, item 4): technicians × the days of a week, each cell the visits booked that day,
and below it the week's unassigned work orders, each with the technician the board proposes (skills, region,
free time in the window, fewest visits that day: services/service/dispatch_plan). A assigns the proposal to the
highlighted order, T picks another technician; the arrows move, Tab goes between the two tables, Page Up /
Page Down change the week. Alt+V from the workspace or the command palette; dispatchers only (the service
checks service.dispatch)."""

from __future__ import annotations

from datetime import date, timedelta

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label

from crmterm.errors import CrmError
from crmterm.i18n import N_, _, fmt_date
from crmterm.screens.service.technician_picker import TechnicianPicker
from crmterm.services.service import dispatch, workorders_flow
from crmterm.services.service.dispatch import Board, BoardVisit
from crmterm.text import visible
from crmterm.widgets.chrome import TranslatedFooter
from crmterm.widgets.host import CrmScreen

WEEKDAYS = (N_("Mo"), N_("Tu"), N_("We"), N_("Th"), N_("Fr"), N_("Sa"), N_("Su"))


def _cut(text: str, width: int) -> str:
    text = visible(text)
    return text if len(text) <= width else text[:width - 1] + "…"


def cell_text(visits: list[BoardVisit]) -> str:
    """A day's visits as their numbers; more than two as a count (the cell is eight columns wide)."""
    if len(visits) > 2:
        return _("{n} visits").format(n=len(visits))
    return " ".join(f"#{v.id}" for v in visits)


class DispatchBoardScreen(CrmScreen[None]):
    CSS_PATH = "dispatch_board.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", N_("Back"), id="dispatch.back"),
        Binding("a", "assign", N_("Assign proposed"), id="dispatch.assign"),
        Binding("t", "pick", N_("Other technician"), id="dispatch.pick"),
        Binding("pageup", "week(-1)", N_("Previous week"), id="dispatch.previous"),
        Binding("pagedown", "week(1)", N_("Next week"), id="dispatch.next"),
        Binding("f5", "reload", N_("Reload"), id="dispatch.reload", show=False),
    ]

    def __init__(self, start: date | None = None) -> None:
        super().__init__()
        self.start = dispatch.week_of(start or date.today())
        self.board: Board | None = None

    def compose(self) -> ComposeResult:
        yield Label(_("Dispatch board: loading…"), id="dispatch-title", markup=False)
        yield DataTable(id="dispatch-week", cursor_type="cell", zebra_stripes=True)
        yield Label(_("Unassigned"), id="dispatch-loose-title", markup=False)
        yield DataTable(id="dispatch-loose", cursor_type="row")
        yield TranslatedFooter()

    def on_mount(self) -> None:
        self.query_one("#dispatch-loose", DataTable).focus()
        self.action_reload()

    def action_reload(self) -> None:
        self._load(self.start)

    def action_week(self, step: int) -> None:
        self.start += timedelta(days=7 * step)
        self.action_reload()

    @work(thread=True, exclusive=True, group="dispatch-load")
    def _load(self, start: date) -> None:
        try:
            found = self.app.gateway.call(dispatch.board, start=start)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._show, found)

    def _show(self, found: Board) -> None:
        self.board = found
        self.query_one("#dispatch-title", Label).update(_("Dispatch board: {start} – {end}").format(
            start=fmt_date(found.days[0]), end=fmt_date(found.days[-1])))
        week = self.query_one("#dispatch-week", DataTable)
        week.clear(columns=True)
        week.add_columns(_("Technician"), *(f"{_(WEEKDAYS[d.weekday()])} {d.day:02}" for d in found.days))
        for row in found.rows:
            who = f"{_cut(row.technician.name, 12)} ({_cut(row.technician.region, 6)})"
            week.add_row(who, *(cell_text(cell) for cell in row.days), key=row.technician.login)
        self._show_loose(found.unassigned)

    def _show_loose(self, loose: list[BoardVisit]) -> None:
        table = self.query_one("#dispatch-loose", DataTable)
        keep = table.cursor_row
        table.clear(columns=True)
        table.add_columns(_("No."), _("Day"), _("Window"), _("Region"), _("Skills"), _("Customer"), _("Proposed"))
        for visit in loose:
            skills = ", ".join(f"{code}:{level}" for code, level in visit.skills.items())
            table.add_row(f"#{visit.id}", f"{_(WEEKDAYS[visit.visit_on.weekday()])} {visit.visit_on.day:02}",
                          visit.window, _cut(visit.region, 8), _cut(skills, 16), _cut(visit.customer, 16),
                          visit.proposed or "—", key=str(visit.id))
        if loose:
            table.move_cursor(row=min(keep, len(loose) - 1))
        self.query_one("#dispatch-loose-title", Label).update(
            _("Unassigned: {n}").format(n=len(loose)) if loose else _("Unassigned: none this week"))

    def highlighted(self) -> BoardVisit | None:
        loose = self.board.unassigned if self.board else []
        row = self.query_one("#dispatch-loose", DataTable).cursor_row
        return loose[row] if 0 <= row < len(loose) else None

    def action_assign(self) -> None:
        visit = self.highlighted()
        if visit is None:
            return
        if visit.proposed is None:
            self.notify(_("Nobody qualifies for #{n}: press T to pick a technician").format(n=visit.id),
                        severity="warning")
            return
        self._dispatch(visit.id, visit.proposed)

    def action_pick(self) -> None:
        visit = self.highlighted()
        if visit is None or self.board is None:
            return
        people = [row.technician for row in self.board.rows]

        def chosen(login: str | None) -> None:
            if login:
                self._dispatch(visit.id, login)

        self.app.push_screen(TechnicianPicker(visit, people), chosen)

    @work(thread=True, exclusive=True, group="dispatch-change")
    def _dispatch(self, work_order_id: int, login: str) -> None:
        try:
            done = self.app.gateway.call(workorders_flow.dispatch, work_order_id=work_order_id, technician=login)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self.app.notify, _("#{n} dispatched to {name}").format(
            n=done.id, name=done.technician_name or login))
        self.app.call_from_thread(self.action_reload)
