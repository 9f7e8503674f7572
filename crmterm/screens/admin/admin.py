"""Admin tab: areas on the left, entries (searchable) in the middle, the selected entry's form on the right."""

from __future__ import annotations

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.widgets import Button, DataTable, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from crmterm.errors import CrmError
from crmterm.i18n import N_, _, pick
from crmterm.screens.admin.admin_areas import AREAS, SCREEN_AREAS, DirectoryArea, ScreenArea
from crmterm.screens.common.dialogs import ConfirmScreen
from crmterm.services.accounts.permissions import Permission
from crmterm.services.directory.directory import EntryRead
from crmterm.services.directory.validation import live_rule_problem
from crmterm.widgets.entry_form import EntryForm
from crmterm.widgets.host import WidgetPart
from crmterm.widgets.route_preview import route_preview
from crmterm.widgets.safe_text import plain
from crmterm.widgets.type_ahead import user_is_in


class AdminPanel(Horizontal, WidgetPart):  # WidgetPart after Horizontal, whose CSS the panel keeps
    BINDINGS = [
        Binding("ctrl+n", "new", N_("New"), id="admin.new"),
        Binding("ctrl+s", "save", N_("Save"), id="admin.save"),
        Binding("ctrl+t", "toggle_active", N_("(De)activate"), id="admin.toggle"),
        Binding("ctrl+f", "search", N_("Search"), id="admin.search"),
        Binding("ctrl+r", "preview_list", N_("Preview the list"), id="admin.preview_list"),
    ]

    def __init__(self, state: dict | None = None) -> None:
        super().__init__(id="admin-panel")
        self._initial = state  # where to return to after a language switch
        self.area = AREAS[state["area"]] if state else next(iter(AREAS.values()))
        self.entries: dict[str, EntryRead] = {}
        self.current: EntryRead | None = None  # None: the form is for a new entry
        self._clean: dict | None = None  # the form's values when the user went into it (what is unsaved)
        self._staying = False  # the areas list is put back on the area kept after "no, do not discard"
        self.asked_for_new = False  # Ctrl+N: a list arriving later must not put its first entry in the form
        self._rebuilding = False  # the form is being recomposed for another area

    def compose(self) -> ComposeResult:
        screens = [a for a in SCREEN_AREAS.values() if self.app.gateway.can(a.permission)]
        areas: list[DirectoryArea | ScreenArea] = [*AREAS.values(), *screens]
        yield OptionList(*(Option(_(a.title), id=a.name) for a in areas), id="areas")
        with Vertical(id="entries-pane"):
            yield Input(id="search", placeholder=_("Search by code or name…"), compact=True)
            yield DataTable(id="entries", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="form-pane"):
            yield Label("", id="form-title", markup=False)
            yield EntryForm(self.area.fields, id="form")
            yield Static("", id="route-preview", markup=False)
            with Horizontal(id="form-buttons"):
                yield Button(_("Save"), id="save", variant="primary")
                yield Button(_("New"), id="new")
                yield Button(_("Deactivate"), id="toggle", variant="warning")

    def focus_areas(self) -> None:
        self.query_one("#areas", OptionList).focus()

    def on_mount(self) -> None:
        table = self.query_one("#entries", DataTable)
        table.add_column(_("Code"), key="code")
        table.add_column("✓", key="active")
        table.add_column(_("Name"), key="name")
        writable = self.app.gateway.can(Permission.DIRECTORY_WRITE)
        for button in self.query(Button):
            button.disabled = not writable
        self.query_one("#areas", OptionList).highlighted = list(AREAS).index(self.area.name)
        self._set_title()

    # --- areas and entries -------------------------------------------------------------------------
    @on(OptionList.OptionHighlighted, "#areas")
    async def area_chosen(self, event: OptionList.OptionHighlighted) -> None:
        name = event.option.id
        if name is None or name in SCREEN_AREAS:
            return  # opened with Enter (area_opened): a screen of its own
        if self._staying:
            self._staying = False
            return
        if self.unsaved_input() is None:
            await self._switch_area(name)
            return
        self.app.push_screen(ConfirmScreen(_("Discard the changes to the entry being edited?")),
                             lambda discard: self._after_asking(name, discard))

    async def _after_asking(self, name: str, discard: bool | None) -> None:
        if discard:
            await self._switch_area(name)
            return
        self._staying = True  # back on the area being edited, without reopening it
        self.query_one("#areas", OptionList).highlighted = list(AREAS).index(self.area.name)

    async def _switch_area(self, name: str) -> None:
        state, self._initial = self._initial or {}, None
        await self.open_area(name, state.get("search", ""), state.get("key"))

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The first field entered: what the form holds now is the entry as loaded."""
        if self._clean is None and self.query_one(EntryForm) in event.widget.ancestors:
            self._clean = self.query_one(EntryForm).values()

    def unsaved_input(self) -> str | None:
        """Typed into the entry's form and not saved (asked by area switches, Ctrl+Q and log-out)."""
        if self._clean is None or self.query_one(EntryForm).values() == self._clean:
            return None
        return _("the entry being edited in {area}").format(area=_(self.area.title))

    @on(OptionList.OptionSelected, "#areas")
    def area_opened(self, event: OptionList.OptionSelected) -> None:
        if event.option.id in SCREEN_AREAS:
            self.app.push_screen(SCREEN_AREAS[event.option.id].open())

    async def open_area(self, name: str, search: str = "", select: str | None = None) -> None:
        self.area, self.current, self.asked_for_new = AREAS[name], None, False
        form = self.query_one(EntryForm)
        form.fields = self.area.fields
        self._rebuilding = True
        try:
            await form.recompose()
        finally:
            self._rebuilding = False
        if form.holding:  # Ctrl+N came while the form was rebuilt: the keys typed since go into it now
            self.asked_for_new = True
            form.load(None)
            form.release_keys(form.first_field())
        documents = any(f.type == "document" for f in self.area.fields)  # routes: room for YAML and a diagram
        self.set_class(documents, "-documents")
        self.refresh_bindings()  # Ctrl+R previews only a query list
        self.query_one("#route-preview", Static).display = documents
        self.query_one("#search", Input).value = search
        self._set_title()
        self.load_options()
        self.load_entries(search, select)

    @on(Input.Changed, "#form Input")
    def rule_typed(self, event: Input.Changed) -> None:
        """Rules (mandatory / hidden / read-only) are checked per keystroke, the message under the field."""
        name = (event.input.id or "").removeprefix("f-")
        spec = next((f for f in self.area.fields if f.name == name), None)
        if spec is None or spec.type != "rule":
            return
        problem = live_rule_problem(event.value)
        error = self.query_one(f"#e-{name}", Static)
        error.update(problem or "")
        error.display = problem is not None

    @on(TextArea.Changed, "#form TextArea")
    def document_typed(self, _event: TextArea.Changed) -> None:
        """A route's text diagram and structural problems, redrawn as its steps and transitions are typed."""
        preview = self.query_one("#route-preview", Static)
        preview.display = self.area.name == "routes"
        if preview.display:
            values = self.query_one(EntryForm).values()
            preview.update(route_preview(values.get("steps"), values.get("transitions")))

    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        self.load_entries(event.value)

    @work(thread=True, exclusive=True, group="admin-list")
    def load_entries(self, search: str, select: str | None = None) -> None:
        area = self.area
        try:
            entries = area.list_entries(self.app.gateway, search)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self.show_entries, area.name, entries, select)

    def show_entries(self, area: str, entries: list[EntryRead], select: str | None) -> None:
        if area != self.area.name:
            return  # a stale answer for an area the user already left
        table = self.query_one("#entries", DataTable)
        table.clear()
        self.entries = {e.key: e for e in entries}
        for entry in entries:
            table.add_row(plain(entry.key), "✓" if entry.values.get("active") else "—",
                          plain(pick(entry.values.get("labels"), entry.key)), key=entry.key)
        if select in self.entries:
            table.move_cursor(row=table.get_row_index(select))
            self.edit(self.entries[select])
        elif self.current is None and entries and not self._typing_new():
            self.edit(entries[0])

    def _typing_new(self) -> bool:
        """Ctrl+N was pressed or the form has the focus: the list's first entry must not replace it."""
        return self.asked_for_new or user_is_in(self.query_one(EntryForm))

    @work(thread=True, exclusive=True, group="admin-options")
    def load_options(self) -> None:
        area = self.area
        self.app.call_from_thread(self.show_options, area.name, area.ref_options(self.app.gateway))

    def show_options(self, area: str, options: dict[str, list[tuple[str, str]]]) -> None:
        if area != self.area.name:
            return
        try:
            self.query_one(EntryForm).apply_options(options, self.current.values if self.current else None)
        except NoMatches:  # the form was rebuilt meanwhile (F2 switched the language): its own load follows
            return

    @on(DataTable.RowSelected, "#entries")
    def row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is None:  # every row is keyed by its entry's key
            return
        self.edit(self.entries[event.row_key.value])
        self.query_one(EntryForm).focus_first()

    def edit(self, entry: EntryRead | None) -> None:
        self.current, self._clean, self.asked_for_new = entry, None, entry is None
        self.query_one(EntryForm).load(entry.values if entry else None)
        self._set_title()
        self.call_after_refresh(self._snapshot_if_inside)

    def _snapshot_if_inside(self) -> None:
        """Loaded while the user is in the form (Ctrl+N, a saved entry): no focus change will tell."""
        form, focused = self.query_one(EntryForm), self.app.focused
        if self._clean is None and focused is not None and form in focused.ancestors:
            self._clean = form.values()

    def _set_title(self) -> None:
        if self.current is None:
            title = _("{area}: new entry").format(area=_(self.area.title))
        else:
            title = f"{_(self.area.title)}: {self.current.key} (v{self.current.version})"
        self.query_one("#form-title", Label).update(title)
        active = self.current is None or self.current.values.get("active", True)
        self.query_one("#toggle", Button).label = _("Deactivate") if active else _("Activate")

    # --- actions -----------------------------------------------------------------------------------
    def action_new(self) -> None:
        if self._rebuilding:  # hold what is typed next until the new area's form stands
            self.query_one(EntryForm).hold_keys()
            return
        self.edit(None)
        self.query_one(EntryForm).focus_first()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.area.name == "list_queries" if action == "preview_list" else True

    def action_preview_list(self) -> None:
        """The query list as the form holds it, saved or not, run for a sample customer."""
        from crmterm.screens.admin.list_query_preview import ListQueryPreviewScreen

        self.app.push_screen(ListQueryPreviewScreen(self.query_one(EntryForm).values()))

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_save(self) -> None:
        form = self.query_one(EntryForm)
        form.clear_errors()
        self.save(form.values())

    @work(thread=True, exclusive=True, group="admin-save")
    def save(self, values: dict) -> None:
        area, current = self.area, self.current
        try:
            if current is None:
                saved = area.create(self.app.gateway, values)
            else:
                saved = area.update(self.app.gateway, current.key, values, current.version)
        except CrmError as error:
            self.app.call_from_thread(self.show_error, error)
            return
        self.app.call_from_thread(self.saved, saved)

    def saved(self, entry: EntryRead) -> None:
        self.current, self._clean = entry, self.query_one(EntryForm).values()
        self._set_title()
        self.app.notify(_("Saved {key}").format(key=entry.key))
        self.load_entries(self.query_one("#search", Input).value, entry.key)

    def show_error(self, error: CrmError) -> None:
        self.query_one(EntryForm).show_refusal(error)

    def action_toggle_active(self) -> None:
        current = self.current
        if current is None:
            return
        activate = not current.values.get("active", True)
        if activate:
            self._set_active(current, True)
            return
        question = _("Deactivate {key}? It stays in history but can no longer be chosen.").format(key=current.key)

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._set_active(current, False)
        self.app.push_screen(ConfirmScreen(question), confirmed)

    def _set_active(self, entry: EntryRead, active: bool) -> None:
        values = {**entry.values, "active": active}
        values.pop("password", None)
        self.save(values)

    @on(Button.Pressed)
    def button(self, event: Button.Pressed) -> None:
        pressed = {"save": self.action_save, "new": self.action_new, "toggle": self.action_toggle_active}
        if event.button.id in pressed:
            pressed[event.button.id]()

    def state(self) -> dict:
        return {"area": self.area.name, "search": self.query_one("#search", Input).value,
                "key": self.current.key if self.current else None}
