"""Topics tab (admins): the topic tree, the selected topic's form, and a live preview of the inquiry form
an agent gets for it — with sample values, so an admin sees what hides and becomes mandatory."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Label, Static, Tree
from textual.widgets.tree import TreeNode

from crmterm.errors import CrmError
from crmterm.i18n import N_, _, ngettext
from crmterm.screens.admin.admin_areas import AREAS
from crmterm.screens.common.dialogs import ConfirmScreen, PromptScreen
from crmterm.services.directory import directory
from crmterm.services.directory.directory import EntryRead
from crmterm.services.topics import attribute_checks, topics
from crmterm.services.topics.attribute_checks import FormPreview
from crmterm.services.topics.topics import TopicNode
from crmterm.text import visible
from crmterm.widgets.attribute_form import AttributeFormView
from crmterm.widgets.entry_form import EntryForm
from crmterm.widgets.host import WidgetPart
from crmterm.widgets.safe_text import plain


class TopicAdminPanel(Horizontal, WidgetPart):  # WidgetPart after Horizontal, whose CSS the panel keeps
    BINDINGS = [
        Binding("ctrl+n", "new", N_("New topic"), id="topics.new"),
        Binding("ctrl+s", "save", N_("Save"), id="topics.save"),
        Binding("alt+up", "shift(-1)", N_("Up"), id="topics.up"),
        Binding("alt+down", "shift(1)", N_("Down"), id="topics.down"),
        Binding("ctrl+x", "cut", N_("Cut"), id="topics.cut"),
        Binding("ctrl+v", "paste", N_("Paste under"), id="topics.paste"),
        Binding("ctrl+k", "copy", N_("Copy"), id="topics.copy"),
        Binding("ctrl+t", "toggle_active", N_("(De)activate"), id="topics.toggle"),
        Binding("ctrl+delete", "delete", N_("Delete"), id="topics.delete"),
        Binding("f5", "check", N_("Check sample"), id="topics.check"),
    ]

    def __init__(self) -> None:
        super().__init__(id="topic-admin")
        self.area = AREAS["topics"]
        self.current: EntryRead | None = None
        self.cut: str | None = None
        self.parent_for_new: str | None = None

    def compose(self) -> ComposeResult:
        tree: Tree[str | None] = Tree(_("Topics"), data=None, id="topic-tree")
        tree.show_root = True
        yield tree
        with VerticalScroll(id="topic-form-pane"):
            yield Label("", id="topic-title", markup=False)
            yield EntryForm(self.area.fields, id="topic-form")
            with Horizontal(id="topic-buttons"):
                yield Button(_("Save"), id="topic-save", variant="primary")
                yield Button(_("New"), id="topic-new")
        with VerticalScroll(id="preview-pane"):
            yield Label(_("Preview"), id="preview-title", markup=False)
            yield Static("", id="preview-status", markup=False)
            yield AttributeFormView(id="preview")

    def on_mount(self) -> None:
        self.load_tree()
        self.load_options()

    # --- loading -----------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="topic-tree")
    def load_tree(self, select: str | None = None) -> None:
        nodes = self.app.gateway.call(topics.topic_tree)
        self.app.call_from_thread(self.show_tree, nodes, select or (self.current.key if self.current else None))

    def show_tree(self, nodes: list[TopicNode], select: str | None) -> None:
        tree: Tree[str | None] = self.query_one("#topic-tree", Tree)
        tree.clear()
        placed: dict[str | None, TreeNode[str | None]] = {None: tree.root}
        for node in nodes:
            label = plain(f"{node.short_path} ", style="bold") + plain(node.label)
            if not node.active:
                label.stylize("dim strike")
            placed[node.code] = placed[node.parent].add(label, data=node.code, expand=node.depth < 1,
                                                        allow_expand=node.children > 0)
        tree.root.expand()
        target = placed.get(select)
        if target is not None:
            for ancestor in _ancestors(target):
                ancestor.expand()
            self.call_after_refresh(tree.move_cursor, target)  # lines exist only after the refresh

    @work(thread=True, exclusive=True, group="topic-options")
    def load_options(self) -> None:
        self.app.call_from_thread(self._show_options, self.area.ref_options(self.app.gateway))

    def _show_options(self, options: dict) -> None:
        form = self.query_one("#topic-form", EntryForm)
        form.apply_options(options, self.current.values if self.current is not None else None)

    @on(Tree.NodeHighlighted, "#topic-tree")
    def highlighted(self, event: Tree.NodeHighlighted) -> None:
        if event.node.data is not None:
            self.open_topic(event.node.data)

    @work(thread=True, exclusive=True, group="topic-open")
    def open_topic(self, code: str) -> None:
        try:
            entry = self.app.gateway.call(directory.get_entry, kind="topics", key=code)
            shown = self.app.gateway.call(attribute_checks.preview, topic=code, raw={})
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        # Typed as Textual's `T | Awaitable[T]` spells it: mypy cannot solve that from a bare coroutine function.
        opened: Callable[[EntryRead, FormPreview], Awaitable[None] | None] = self._opened
        self.app.call_from_thread(opened, entry, shown)

    async def _opened(self, entry: EntryRead, shown: FormPreview) -> None:
        self.current = entry
        self.query_one("#topic-form", EntryForm).load(entry.values)
        self._set_title()
        await self.show_preview(shown, keep=True)

    async def show_preview(self, shown: FormPreview, keep: bool) -> None:
        view = self.query_one("#preview", AttributeFormView)
        values = view.values() if keep and view.form is not None else None
        await view.show(shown, values)
        inherited = sorted({f.defined_on for f in shown.form.fields} - {shown.form.topic})
        status = _("{n} attributes; inherited from: {where}").format(
            n=len(shown.form.fields), where=", ".join(inherited) or "—")
        self.query_one("#preview-status", Static).update(status)
        self.query_one("#preview-title", Label).update(visible(_("Preview: {topic} ({type})").format(
            topic=shown.form.topic, type=_(shown.form.inquiry_type))))

    def _set_title(self) -> None:
        if self.current is None:
            title = _("New topic under {parent}").format(parent=self.parent_for_new or _("(top level)"))
        else:
            title = f"{self.current.key} (v{self.current.version})"
        self.query_one("#topic-title", Label).update(visible(title))

    # --- actions -----------------------------------------------------------------------------------
    def action_new(self) -> None:
        selected = self.query_one("#topic-tree", Tree).cursor_node
        self.parent_for_new = selected.data if selected is not None else None
        self.current = None
        form = self.query_one("#topic-form", EntryForm)
        form.load({"parent": self.parent_for_new, "active": True, "inquiry_type": "consultation",
                   "sort_order": 0})
        self._set_title()
        form.focus_first()

    def action_save(self) -> None:
        form = self.query_one("#topic-form", EntryForm)
        form.clear_errors()
        self.run_change(lambda gateway, values=form.values(), current=self.current: (
            self.area.create(gateway, values) if current is None
            else self.area.update(gateway, current.key, values, current.version)).key)

    @work(thread=True, exclusive=True, group="topic-change")
    def run_change(self, change) -> None:
        try:
            key = change(self.app.gateway)
        except CrmError as error:
            self.app.call_from_thread(self._failed, error)
            return
        self.app.call_from_thread(self._changed, key)

    def _changed(self, key: str | None) -> None:
        self.app.notify(_("Saved {key}").format(key=key) if key else _("Done"))
        self.load_tree(key)
        if key:
            self.open_topic(key)

    def _failed(self, error: CrmError) -> None:
        self.query_one("#topic-form", EntryForm).show_refusal(error)

    def action_shift(self, step: int) -> None:
        if self.current is not None:
            code = self.current.key
            self.run_change(lambda gateway: gateway.change(topics.shift_topic, code=code, step=step) or code)

    def action_cut(self) -> None:
        if self.current is not None:
            self.cut = self.current.key
            self.app.notify(_("Now select the new parent group and press Ctrl+V (the root: top level)"))

    def action_paste(self) -> None:
        selected = self.query_one("#topic-tree", Tree).cursor_node
        if self.cut is None or selected is None:
            return
        code, parent, self.cut = self.cut, selected.data, None
        self.run_change(lambda gateway: gateway.change(topics.move_topic, code=code, parent=parent,
                                                       expected_version=None) or code)

    def action_copy(self) -> None:
        if self.current is None:
            return
        code = self.current.key

        def copy(new_code: str | None) -> None:
            if new_code:
                self.run_change(lambda gateway: gateway.change(topics.copy_topic, code=code, new_code=new_code))

        self.app.push_screen(PromptScreen(_("Code of the copy of {code}").format(code=code), f"{code}_2"), copy)

    def action_toggle_active(self) -> None:
        if self.current is not None:
            values = {**self.current.values, "active": not self.current.values["active"]}
            current = self.current
            self.run_change(lambda gateway: self.area.update(gateway, current.key, values, current.version).key)

    def action_delete(self) -> None:
        if self.current is None:
            return
        current = self.current

        def delete(yes: bool | None) -> None:
            if yes:
                self.current = None
                self.run_change(lambda gateway: gateway.change(directory.delete_entry, kind="topics",
                                                               key=current.key, expected_version=current.version))

        self.app.push_screen(ConfirmScreen(_("Delete topic {key}?").format(key=current.key)), delete)

    def action_check(self) -> None:
        """Check the sample values against the database too (dictionary items, lists, customers)."""
        if self.current is not None:
            self.check_sample(self.current.key, self.query_one("#preview", AttributeFormView).values())

    @work(thread=True, exclusive=True, group="topic-check")
    def check_sample(self, code: str, raw: dict) -> None:
        shown = self.app.gateway.call(attribute_checks.preview, topic=code, raw=raw, fill_defaults=False)
        self.app.call_from_thread(self._checked, shown)

    def _checked(self, shown: FormPreview) -> None:
        view = self.query_one("#preview", AttributeFormView)
        view.show_errors(shown.checked.errors)
        message = (_("The sample would save") if not shown.checked.errors
                   else ngettext("{n} problem", "{n} problems", len(shown.checked.errors)).format(
                       n=len(shown.checked.errors)))
        self.query_one("#preview-status", Static).update(message)

    @on(Button.Pressed, "#topic-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#topic-new")
    def _new_pressed(self) -> None:
        self.action_new()


def _ancestors(node: TreeNode[str | None] | None) -> list[TreeNode[str | None]]:
    found = []
    while node is not None:
        found.append(node)
        node = node.parent
    return found
