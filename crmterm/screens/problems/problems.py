"""System problems for supervisors and admins: the open ones (or all), the selected one with every inquiry
linked to it, and keys to open, change and close a problem — closing closes or notifies its inquiries in
one action. Everyone else may look (the keys that change things are not offered to them)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Label, Static

from crmterm.i18n import N_, _, fmt_datetime
from crmterm.screens.problems.problem_dialogs import ProblemCloseScreen, ProblemFormScreen
from crmterm.services.accounts.permissions import Permission
from crmterm.services.inquiries import problem_links, problems
from crmterm.services.inquiries.inquiry_log import state_label
from crmterm.services.inquiries.problem_close import ProblemClosed
from crmterm.services.inquiries.problem_links import ProblemDetail
from crmterm.services.inquiries.problems import ProblemRead
from crmterm.text import visible
from crmterm.widgets.chrome import TranslatedFooter
from crmterm.widgets.host import CrmScreen
from crmterm.widgets.safe_text import plain

_CHANGES = {"new", "edit", "close_problem"}  # actions that need Permission.PROBLEMS_MANAGE


class ProblemsScreen(CrmScreen[None]):
    CSS_PATH = "problems.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", N_("Back"), id="problems.back"),
        Binding("n", "new", N_("New problem"), id="problems.new"),
        Binding("e", "edit", N_("Change"), id="problems.edit"),
        Binding("c", "close_problem", N_("Close problem"), id="problems.close"),
        Binding("a", "toggle_all", N_("Open / all"), id="problems.all"),
        Binding("r", "reload", N_("Reload"), id="problems.reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.show_all = False
        self.rows: list[ProblemRead] = []

    def compose(self) -> ComposeResult:
        yield Label(_("System problems"), id="problems-title")
        with Horizontal(id="problems-body"):
            yield DataTable(id="problem-list", cursor_type="row", zebra_stripes=True)
            yield Static("", id="problem-detail", markup=False)
        yield TranslatedFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("#", _("State"), _("Title"), _("Service"), _("Region"), _("Topic"),
                                              _("Since"), _("Inquiries"))
        self.action_reload()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in _CHANGES and not self.app.gateway.can(Permission.PROBLEMS_MANAGE):
            return False
        if action in ("edit", "close_problem"):
            selected = self.selected
            return selected is not None and selected.state == "open"
        return True

    @property
    def selected(self) -> ProblemRead | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row is None or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    # --- the list and the selected problem ------------------------------------------------------------
    def action_reload(self) -> None:
        self.load(self.show_all)

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.action_reload()

    @work(thread=True, exclusive=True, group="problems")
    def load(self, show_all: bool) -> None:
        found = self.app.gateway.call(problems.list_problems, state=None if show_all else "open")
        self.app.call_from_thread(self._listed, found)

    def _listed(self, found: list[ProblemRead]) -> None:
        self.rows = found
        table = self.query_one(DataTable)
        table.clear()
        for p in found:
            table.add_row(str(p.id), _(p.state), plain(p.title), p.service or "—", p.region or "—",
                          p.topic_label or "—", fmt_datetime(p.starts_at), str(p.linked), key=str(p.id))
        if not found:
            self.query_one("#problem-detail", Static).update(_("No system problems."))
        self.refresh_bindings()

    @on(DataTable.RowHighlighted, "#problem-list")
    def highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()
        if event.row_key is not None and event.row_key.value:
            self.load_detail(int(event.row_key.value))

    @work(thread=True, exclusive=True, group="problem-detail")
    def load_detail(self, problem_id: int) -> None:
        found = self.app.gateway.call(problem_links.get_problem, problem_id=problem_id, limit=200)
        self.app.call_from_thread(self._show_detail, found)

    def _show_detail(self, problem: ProblemDetail, outcome: ProblemClosed | None = None) -> None:
        text = plain(f"#{problem.id} {problem.title}\n", style="bold")
        until = fmt_datetime(problem.expected_end_at) if problem.expected_end_at else "—"
        text.append(_("Since {start}, expected end {until}").format(start=fmt_datetime(problem.starts_at),
                                                                    until=until) + "\n")
        for line in (problem.description, problem.resolution and _("Resolution: {text}").format(
                text=problem.resolution)):
            if line:
                text.append(visible(line) + "\n")
        text.append("\n" + _("Linked inquiries: {n}").format(n=problem.linked) + "\n", style="bold")
        for item in problem.inquiries:
            archived = " · " + _("archived") if item.archived else ""
            text.append(f"#{item.id} {state_label(item.state)}{archived}\n")
        if outcome is not None:
            text.append("\n" + _("Skipped:") + "\n" if outcome.skipped else "", style="bold")
            for skipped in outcome.skipped:
                text.append(visible(f"#{skipped.id}: {skipped.reason}\n"))
        self.query_one("#problem-detail", Static).update(text)

    # --- changes ----------------------------------------------------------------------------------------
    def action_new(self) -> None:
        self.app.push_screen(ProblemFormScreen(), self._after_save)

    def action_edit(self) -> None:
        if self.selected is not None:
            self.app.push_screen(ProblemFormScreen(self.selected), self._after_save)

    def _after_save(self, saved: ProblemRead | None) -> None:
        if saved is not None:
            self.app.notify(_("System problem #{n} saved").format(n=saved.id))
            self.action_reload()

    def action_close_problem(self) -> None:
        if self.selected is not None:
            self.app.push_screen(ProblemCloseScreen(self.selected), self._after_close)

    def _after_close(self, done: ProblemClosed | None) -> None:
        if done is None:
            return
        self.app.notify(_("System problem #{p} closed: inquiries closed {c}, notified {n}, skipped {s}").format(
            p=done.problem.id, c=len(done.closed), n=len(done.notified), s=len(done.skipped)), timeout=10)
        self.action_reload()
        self.show_outcome(done)

    @work(thread=True, exclusive=True, group="problem-detail")
    def show_outcome(self, done: ProblemClosed) -> None:
        found = self.app.gateway.call(problem_links.get_problem, problem_id=done.problem.id, limit=200)
        self.app.call_from_thread(self._show_detail, found, done)
