"""The script editor's actions (mixed into ScriptAdminScreen): editing the working copy node by node, and
the calls to the services — save the draft, publish, a new draft version, preview, import and export."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Label, OptionList
from textual.widgets.option_list import Option

from crmterm.errors import CrmError
from crmterm.i18n import N_, _, current_language
from crmterm.screens.admin.script_doc import NODE_KINDS, new_node, remove_node, replace_node
from crmterm.screens.admin.script_node_form import NodeForm
from crmterm.screens.common.dialogs import ConfirmScreen, PromptScreen
from crmterm.services.knowledge import script_admin
from crmterm.services.knowledge.script_admin import ScriptSummary
from crmterm.services.knowledge.scripts import ScriptRead
from crmterm.widgets.host import CrmModal, ScreenPart
from crmterm.workflow.script_checks import Problem


class KindScreen(CrmModal[str | None]):
    """Which kind of node to add; Enter chooses, Escape cancels."""

    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"), id="scripts_admin.kind_cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(_("Add a node of kind"), classes="dialog-title")
            yield OptionList(*(Option(_(kind), id=kind) for kind in NODE_KINDS), id="sa-kinds")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class ScriptActions(ScreenPart):
    """Needs from the screen: script, document, selected, dirty, form_invalid, problems, redraw(), check(),
    select_node(), show_script()."""

    script: ScriptRead | None  # the stored version being edited
    document: dict  # the working copy
    selected: int | None  # node index; None: the script's own form
    dirty: bool
    form_invalid: bool
    problems: list[Problem]
    summaries: list[ScriptSummary]

    if TYPE_CHECKING:  # the screen's
        def redraw(self) -> None: ...

        def check(self) -> None: ...

        async def select_node(self, index: int | None, move_cursor: bool = True) -> None: ...

        async def show_script(self, script: ScriptRead, select: int | None = None) -> None: ...

        def load_list(self, after: str | None = None, select: str | None = None) -> object: ...  # a worker

    # --- editing the working copy -------------------------------------------------------------------
    def apply_edit(self, value: dict) -> bool:
        if self.selected is None:
            merged = {**self.document, **value}
            for key in ("start", "topics", "decisions"):
                if not merged.get(key):
                    merged.pop(key, None)
            changed, self.document = merged != self.document, merged
            return changed
        if value == self.document["nodes"][self.selected]:
            return False
        replace_node(self.document, self.selected, value)
        return True

    def _editable(self) -> ScriptRead | None:
        """The script being edited, when there is one and its form has no marked fields."""
        if self.script is None:
            return None
        if self.form_invalid:
            self.app.notify(_("Fix the marked fields first"), severity="warning")
            return None
        return self.script

    async def _changed(self, select: int | None) -> None:
        self.dirty = True
        self.redraw()
        await self.select_node(select)
        self.check()

    def action_add_node(self) -> None:
        if self._editable():
            self.app.push_screen(KindScreen(), self._add_node)

    async def _add_node(self, kind: str | None) -> None:
        if kind:
            self.document.setdefault("nodes", []).append(new_node(kind, {n["id"] for n in self.document["nodes"]}))
            await self._changed(len(self.document["nodes"]) - 1)
            self.query_one("#sa-node-form", NodeForm).focus_first()

    def action_delete_node(self) -> None:
        if self._editable() and self.selected is not None:
            node_id = self.document["nodes"][self.selected]["id"]
            self.app.push_screen(ConfirmScreen(_("Delete node {id}? Answers leading to it lose their target.")
                                               .format(id=node_id)), self._delete_node)

    async def _delete_node(self, yes: bool | None) -> None:
        if yes and self.selected is not None:
            remove_node(self.document, self.selected)
            await self._changed(min(self.selected, len(self.document["nodes"]) - 1) if self.document["nodes"] else None)

    async def action_add_answer(self) -> None:
        await self._answers(lambda answers: answers.append({"text": {}, "score": 0}))
        count = len(self.document["nodes"][self.selected].get("answers", [])) if self.selected is not None else 0
        if count and self.query(f"#f-a{count}-text-en"):
            self.query_one(f"#f-a{count}-text-en").focus()

    async def action_remove_answer(self) -> None:
        await self._answers(lambda answers: answers and answers.pop())

    async def _answers(self, change: Callable[[list], object]) -> None:
        selected = self.selected
        if not self._editable() or selected is None:
            return
        node = self.document["nodes"][selected]
        if node.get("type") != "question":
            return
        edited = copy.deepcopy(node)
        change(edited.setdefault("answers", []))
        replace_node(self.document, selected, edited)
        await self._changed(selected)

    # --- asking before losing work ------------------------------------------------------------------
    def guard_unsaved(self, then: Callable[[], object], otherwise: Callable[[], object] | None = None) -> None:
        if not self.dirty or self.script is None:  # only a script shown can have changes
            then()
            return
        question = _("Discard the unsaved changes to {code}?").format(code=self.script.code)

        def answered(yes: bool | None) -> None:
            if yes:
                then()
            elif otherwise is not None:
                otherwise()
        self.app.push_screen(ConfirmScreen(question), answered)

    def _back_to_row(self) -> None:
        table = self.query_one("#sa-list", DataTable)
        if self.script is not None and self.script.code in {s.code for s in self.summaries}:
            table.move_cursor(row=table.get_row_index(self.script.code))

    def action_close(self) -> None:
        self.guard_unsaved(self.dismiss)

    # --- services ------------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="sa-service")
    def call_service(self, service: Callable[..., Any], done: Callable, _change: bool = True, **kwargs: Any) -> None:
        """`_change`: the service records where a change came from (gateway.change), else a plain call."""
        gateway = self.app.gateway
        try:
            result = gateway.change(service, **kwargs) if _change else gateway.call(service, **kwargs)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error", timeout=10)
            return
        self.app.call_from_thread(done, result)

    def action_save(self) -> None:
        if script := self._editable():
            expected = script.version if script.status == "draft" else None
            self.call_service(script_admin.save_draft, self._stored, raw=copy.deepcopy(self.document),
                              expected_version=expected)

    async def _stored(self, script: ScriptRead) -> None:
        self.app.notify(_("{code} v{n}: {status}").format(code=script.code, n=script.number,
                                                            status=_(script.status)))
        await self.show_script(script, select=self.selected)
        table = self.query_one("#sa-list", DataTable)
        if script.code in {s.code for s in self.summaries}:
            table.update_cell(script.code, "number", f"v{script.number}")
            table.update_cell(script.code, "status", _(script.status))

    def action_publish(self) -> None:
        script = self._editable()
        if script is None:
            return
        if self.dirty or script.status != "draft":
            self.app.notify(_("Save the draft first (Ctrl+S)") if self.dirty else
                            _("This version is not a draft; Alt+N makes a new one"), severity="warning")
        elif self.problems:
            self.app.notify(_("Cannot publish while the script has problems: {n}").format(n=len(self.problems)),
                            severity="error")
        else:
            question = _("Publish {code} v{n}? New runs will use it.").format(code=script.code, n=script.number)

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self.call_service(script_admin.publish, self._stored, code=script.code, number=script.number)
            self.app.push_screen(ConfirmScreen(question), confirmed)

    def action_new_version(self) -> None:
        script = self._editable()
        if script is None:
            return
        if script.status == "draft":
            self.app.notify(_("This version is already a draft"), severity="warning")
            return
        self.guard_unsaved(lambda: self.call_service(script_admin.save_draft, self._stored,
                                                     raw=copy.deepcopy(script.document)))

    def action_new_script(self) -> None:
        def named(code: str, name: str | None) -> None:
            if name:
                self.call_service(script_admin.create, self._created, code=code, name=name, lang=current_language())

        def coded(code: str | None) -> None:
            if code:
                self.app.push_screen(PromptScreen(_("Name of script {code}").format(code=code), code),
                                     lambda name: named(code, name))

        self.guard_unsaved(lambda: self.app.push_screen(
            PromptScreen(_("Code of the new script (Latin letters, digits, _)")), coded))

    def _created(self, script: ScriptRead) -> None:
        self.app.notify(_("{code} v{n}: {status}").format(code=script.code, n=script.number, status=_(script.status)))
        self._reopen(script.code)

    def action_delete_draft(self) -> None:
        if self.script is None or self.script.status != "draft":
            self.app.notify(_("Only a draft can be deleted; published versions stay"), severity="warning")
            return
        code, number = self.script.code, self.script.number
        question = _("Delete the draft {code} v{n}? Published versions stay.").format(code=code, n=number)

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.call_service(script_admin.delete_draft, lambda _none: self._deleted(code, number), code=code)
        self.app.push_screen(ConfirmScreen(question), confirmed)

    def _deleted(self, code: str, number: int) -> None:
        self.app.notify(_("Draft {code} v{n} deleted").format(code=code, n=number))
        self._reopen(code)

    def _reopen(self, code: str) -> None:
        self.dirty = False
        self.script = None  # reopen even when it is the script shown
        self.load_list(select=code)

    def action_preview(self) -> None:
        if script := self._editable():
            self.call_service(script_admin.preview_run, self._walk, _change=False, raw=copy.deepcopy(self.document),
                              base=script)

    def _walk(self, spec) -> None:
        from crmterm.screens.knowledge.script_run import ScriptRunScreen

        self.app.push_screen(ScriptRunScreen(spec=spec))

    def action_import_file(self) -> None:
        def chosen(path: str | None) -> None:
            if path:
                self.guard_unsaved(lambda: self.call_service(script_admin.import_file, self._imported, path=path))

        self.app.push_screen(PromptScreen(_("Import scripts (as drafts) from the YAML file")), chosen)

    def _imported(self, outcomes: list[tuple[str, str]]) -> None:
        self.app.notify(", ".join(f"{code}: {_(outcome)}" for code, outcome in outcomes) or _("Nothing to import"))
        if outcomes:
            self._reopen(outcomes[0][0])

    def action_export_file(self) -> None:
        if self.script is None:
            return
        script = self.script

        def chosen(path: str | None) -> None:
            if path:
                self.call_service(script_admin.export_file, self._exported, _change=False, code=script.code,
                                  number=script.number, path=path)

        self.app.push_screen(PromptScreen(_("Export {code} v{n} to the file").format(
            code=script.code, n=script.number), f"{script.code}.yaml"), chosen)

    def _exported(self, path) -> None:
        note = " " + _("(unsaved changes are not in the file)") if self.dirty else ""
        self.app.notify(_("Exported to {path}").format(path=path) + note)
