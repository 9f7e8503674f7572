"""Script authoring (admins): scripts on the left, the selected script's outline and its problems in the
middle, the form of the selected node (or of the script itself) on the right. Edits change a working copy
that is checked as it changes; Ctrl+S saves it as the draft, publishing refuses a script with problems, F5
walks the working copy in the runner without saving anything. Actions that talk to the database are in
script_admin_actions.py."""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Label, OptionList, Tree
from textual.widgets.option_list import Option

from crmterm.errors import CrmError
from crmterm.i18n import N_, _, ngettext
from crmterm.screens.admin.script_admin_actions import ScriptActions
from crmterm.screens.admin.script_doc import index_of
from crmterm.screens.admin.script_meta_form import ScriptForm
from crmterm.screens.admin.script_node_form import Edited, NodeForm
from crmterm.screens.admin.script_outline import ScriptOutline
from crmterm.services.knowledge import script_admin, scripts
from crmterm.services.knowledge.script_admin import ScriptSummary
from crmterm.services.knowledge.scripts import ScriptRead
from crmterm.widgets.chrome import TranslatedFooter
from crmterm.widgets.host import CrmScreen
from crmterm.widgets.safe_text import plain
from crmterm.workflow.script_checks import Problem

PAGE = 100


class ScriptAdminScreen(ScriptActions, CrmScreen[None]):
    CSS_PATH = "script_admin.tcss"
    BINDINGS = [
        Binding("escape", "close", N_("Back"), id="scripts_admin.close"),
        Binding("ctrl+s", "save", N_("Save draft"), id="scripts_admin.save"),
        Binding("ctrl+n", "add_node", N_("Add node"), id="scripts_admin.add_node"),
        Binding("ctrl+delete", "delete_node", N_("Delete node"), id="scripts_admin.delete_node"),
        Binding("alt+a", "add_answer", N_("Add answer"), id="scripts_admin.add_answer", priority=True),
        Binding("alt+x", "remove_answer", N_("Remove answer"), id="scripts_admin.remove_answer",
                show=False, priority=True),
        Binding("f5", "preview", N_("Preview"), id="scripts_admin.preview"),
        Binding("alt+p", "publish", N_("Publish"), id="scripts_admin.publish", priority=True),
        Binding("alt+n", "new_version", N_("New draft version"), id="scripts_admin.new_version",
                show=False, priority=True),
        Binding("alt+c", "new_script", N_("New script"), id="scripts_admin.new_script", priority=True),
        Binding("alt+d", "delete_draft", N_("Delete draft"), id="scripts_admin.delete_draft", show=False,
                priority=True),
        Binding("alt+i", "import_file", N_("Import"), id="scripts_admin.import", show=False, priority=True),
        Binding("alt+e", "export_file", N_("Export"), id="scripts_admin.export", show=False, priority=True),
        Binding("alt+l", "focus('#sa-list')", N_("Scripts"), id="scripts_admin.list", show=False, priority=True),
        Binding("alt+o", "focus('#sa-outline')", N_("Outline"), id="scripts_admin.outline", show=False, priority=True),
        Binding("alt+r", "focus('#sa-problems')", N_("Problems"), id="scripts_admin.problems",
                show=False, priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.summaries: list[ScriptSummary] = []
        self.script: ScriptRead | None = None  # the stored version being edited
        self.document: dict = {}  # the working copy
        self.selected: int | None = None  # node index; None: the script's own form
        self.dirty = False
        self.form_invalid = False
        self.problems: list[Problem] = []
        self._checks = 0
        self._more = False
        self._pending: str | None = None  # the code the list is moving to (after an import)

    def compose(self) -> ComposeResult:
        yield Label(_("Scripts"), id="sa-title", markup=False)
        with Horizontal(id="sa-body"):
            yield DataTable(id="sa-list", cursor_type="row", zebra_stripes=True)
            with Vertical(id="sa-middle"):
                yield ScriptOutline(id="sa-outline")
                yield Label(_("Problems"), id="sa-problems-title", markup=False)
                yield OptionList(id="sa-problems")
            with Vertical(id="sa-form-pane"):
                yield NodeForm(id="sa-node-form")
                yield ScriptForm(id="sa-script-form")
        yield TranslatedFooter()

    def on_mount(self) -> None:
        table = self.query_one("#sa-list", DataTable)
        table.add_column(_("Code"), key="code")
        table.add_column(_("Ver."), key="number")
        table.add_column(_("Status"), key="status")
        table.add_column(_("Name"), key="name")
        self.query_one("#sa-script-form").display = False
        self.load_list()
        table.focus()

    # --- the list ------------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="sa-list")
    def load_list(self, after: str | None = None, select: str | None = None) -> None:
        try:
            page = self.app.gateway.call(script_admin.summaries, after=after, limit=PAGE)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._listed, page, after is not None, select)

    def _listed(self, page: list[ScriptSummary], more: bool, select: str | None) -> None:
        table = self.query_one("#sa-list", DataTable)
        if not more:
            table.clear()
            self.summaries = []
        self.summaries += page
        self._more = len(page) == PAGE
        for summary in page:
            status = _(summary.status) + (f" ({summary.published})" if summary.published
                                          and summary.published != summary.number else "")
            table.add_row(plain(summary.code), f"v{summary.number}", status, plain(summary.label), key=summary.code)
        codes = [s.code for s in self.summaries]
        if select in codes:
            self._pending = select  # highlights of other rows while the table refills are not choices
            table.move_cursor(row=codes.index(select))

    @on(DataTable.RowHighlighted, "#sa-list")
    def _row(self, event: DataTable.RowHighlighted) -> None:
        code = event.row_key.value
        if self._more and code == self.summaries[-1].code:
            self.load_list(after=code)
        if self._pending is not None:
            if code == self._pending:
                self._pending = None
                self.open_script(code)
            return
        if self.script is None or code != self.script.code:
            self.guard_unsaved(lambda: self.open_script(code), self._back_to_row)

    @on(DataTable.RowSelected, "#sa-list")
    def _row_selected(self) -> None:
        self.query_one("#sa-outline").focus()

    @work(thread=True, exclusive=True, group="sa-open")
    def open_script(self, code: str) -> None:
        try:
            script = self.app.gateway.call(script_admin.latest, code=code)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        # Typed as Textual's `T | Awaitable[T]` spells it: mypy cannot solve that from a bare coroutine function.
        show: Callable[[ScriptRead], Awaitable[None] | None] = self.show_script
        self.app.call_from_thread(show, script)

    async def show_script(self, script: ScriptRead, select: int | None = None) -> None:
        self.script, self.document = script, copy.deepcopy(script.document)
        self.dirty = self.form_invalid = False
        self.problems = []
        self.redraw()
        start = index_of(self.document, self.document.get("start")) or 0
        await self.select_node(select if select is not None else (start if self.document.get("nodes") else None))
        self.check()

    # --- outline, problems and forms -----------------------------------------------------------------
    def redraw(self) -> None:
        counts: dict[str, int] = {}
        for problem in self.problems:
            if problem.node:
                counts[problem.node] = counts.get(problem.node, 0) + 1
        self.query_one(ScriptOutline).show(self.document, counts, self._title())
        self.query_one("#sa-title", Label).update(self._title())

    def _title(self) -> Text:
        if self.script is None:
            return Text(_("Scripts"))
        state = _(self.script.status) + (" · " + _("unsaved changes") if self.dirty else "")
        return Text.assemble(plain(self.document.get("code", ""), style="bold"),
                             f" v{self.script.number} · {state}")

    @on(Tree.NodeHighlighted, "#sa-outline")
    async def _outline_moved(self, event: Tree.NodeHighlighted) -> None:
        kind, index = event.node.data or ("script", None)
        target = index if kind == "node" else None
        if self.script is None or target == self.selected:
            return
        if self.form_invalid:
            self.app.notify(_("Fix the marked fields first"), severity="warning")
            self.call_after_refresh(self.query_one(ScriptOutline).select_index, self.selected)
            return
        await self.select_node(target, move_cursor=False)

    async def select_node(self, index: int | None, move_cursor: bool = True) -> None:
        self.selected = index
        node_form, script_form = self.query_one(NodeForm), self.query_one(ScriptForm)
        node_form.display, script_form.display = index is not None, index is None
        ids = [n["id"] for n in self.document.get("nodes", [])]
        if index is None:
            await script_form.load(self.document, ids)
        else:
            await node_form.load(self.document["nodes"][index], self.document.get("languages") or ["en", "ru"], ids)
            self._show_node_problems()
        if move_cursor:
            self.query_one(ScriptOutline).select_index(index)

    @on(Tree.NodeSelected, "#sa-outline")
    def _outline_entered(self) -> None:
        (self.query_one(NodeForm) if self.selected is not None else self.query_one(ScriptForm)).focus_first()

    async def on_edited(self, message: Edited) -> None:
        self.form_invalid = message.node is None
        if message.node is None or self.script is None or not message.changed:
            return
        changed = self.apply_edit(message.node)
        if message.rerender and self.selected is not None:
            await self.select_node(self.selected)
        if changed:
            self.dirty = True
            self.redraw()
            self.check()

    # --- checks --------------------------------------------------------------------------------------
    def check(self) -> None:
        self._checks += 1
        self.run_check(self._checks, copy.deepcopy(self.document))

    @work(thread=True, exclusive=True, group="sa-check")
    def run_check(self, generation: int, document: dict) -> None:
        found = self.app.gateway.call(scripts.check, raw=document)
        self.app.call_from_thread(self._checked, generation, found)

    def _checked(self, generation: int, found: list[Problem]) -> None:
        if generation != self._checks:
            return  # an answer for a document that has changed since
        self.problems = found
        listing = self.query_one("#sa-problems", OptionList)
        listing.clear_options()
        listing.add_options([Option(self._problem_line(p), id=str(n)) for n, p in enumerate(found)])
        self.query_one("#sa-problems-title", Label).update(
            ngettext("{n} problem", "{n} problems", len(found)).format(n=len(found)) if found else _("No problems"))
        self.redraw()
        self._show_node_problems()

    def _problem_line(self, problem: Problem) -> Text:
        index = index_of(self.document, problem.node)
        where = f"#{index + 1} {problem.node}" if index is not None else (problem.node or _("script"))
        return Text.assemble(plain(where, style="bold"), ": ", plain(problem.message))

    def _show_node_problems(self) -> None:
        if self.selected is not None and self.selected < len(self.document.get("nodes", [])):
            node_id = self.document["nodes"][self.selected]["id"]
            self.query_one(NodeForm).show_problems([p.message for p in self.problems if p.node == node_id])

    @on(OptionList.OptionSelected, "#sa-problems")
    async def _problem_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is None:  # every problem line is its index
            return
        problem = self.problems[int(event.option.id)]
        await self.select_node(index_of(self.document, problem.node))
        (self.query_one(NodeForm) if self.selected is not None else self.query_one(ScriptForm)).focus_first()
