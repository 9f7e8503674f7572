"""An inquiry's attribute form: groups (collapsed or expanded as configured), one input per attribute, the
message right under it, and the flags (mandatory / hidden / read-only) re-evaluated on every change.

Rules run locally on the typed values (microseconds), so the form reacts per keystroke without the database;
the database check (dictionary items, query lists, customers) runs when the owner validates or saves.
"""

from __future__ import annotations

import asyncio
from typing import Any

from textual import on
from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Checkbox, Collapsible, Input, Label, Select, Static
from textual.widgets._collapsible import CollapsibleTitle  # a group's header (no public name)

from crmterm.i18n import N_, _
from crmterm.services.topics.attribute_checks import FormPreview
from crmterm.services.topics.attribute_forms import AttributeForm, FieldDef, Flags, rule_context
from crmterm.services.topics.attribute_values import BadValue, parse
from crmterm.text import visible
from crmterm.widgets.entry_form import select_if_offered
from crmterm.widgets.safe_text import field_value, plain
from crmterm.widgets.type_ahead import KeyHolder, focus_now

_SAMPLES = {"date": "2026-11-27", "datetime": "2026-11-27 14:30", "decimal": "1250.50", "integer": "3",
            "customer_ref": "1024"}


class AttributeFormView(KeyHolder, Vertical):
    """Fill with `show(preview)`; read with `values()`; `flags` holds the flags as last evaluated.

    Keys typed after choosing a topic and before its form stands are held (`hold_keys`) and replayed into
    the form's first field once it is built.
    """

    BINDINGS = [Binding("alt+g", "open_groups", N_("Open all groups"), id="form.open_groups", show=False)]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.form: AttributeForm | None = None
        self.flags: dict[str, Flags] = {}
        self.context: dict = {}
        self.choice_errors: dict[str, str] = {}  # query fields whose list failed or timed out: shown under them
        self._rebuilding = asyncio.Lock()  # a newer topic waits for the previous rebuild to finish

    async def show(self, preview: FormPreview, values: dict[str, Any] | None = None,
                   context: dict | None = None) -> None:
        """Rebuild for another topic; `values` (by code) survive where the new form has the same attribute."""
        async with self._rebuilding:
            self.form, self.context = None, context or {}  # no reads of half-built fields meanwhile
            await self.remove_children()
            for group in preview.form.groups:
                # Textual annotates the title str, but hands it to CollapsibleTitle, which takes a (literal) Text
                box = Collapsible(title=plain(group.label), collapsed=group.collapsed,  # type: ignore[arg-type]
                                  id=f"ag-{group.code}")
                await self.mount(box)
                box.query_one(CollapsibleTitle).can_focus = False  # Tab goes from field to field (Alt+G opens)
                for f in group.fields:
                    await box.query_one(Collapsible.Contents).mount_all(self._field(f, preview.choices.get(f.code)))
            self.form, self.choice_errors = preview.form, dict(preview.choice_errors)
            for f in preview.form.fields:
                self._put(f, (values or {}).get(f.code, preview.checked.values.get(f.code)))
            self.refresh_flags()
            self.release_keys(self._first_field())

    async def built(self) -> None:
        """Wait until a rebuild under way is done, so what is on screen can be compared and read."""
        async with self._rebuilding:
            pass

    def shows_fields_of(self, preview: FormPreview) -> bool:
        """True when the form on screen has the same fields (another customer, the same topic)."""
        return (self.form is not None and self.form.topic == preview.form.topic
                and [f.code for f in self.form.fields] == [f.code for f in preview.form.fields])

    def refresh_choices(self, preview: FormPreview, context: dict | None = None) -> None:
        """New choices and rule context without rebuilding: what is typed and where the cursor is stay."""
        self.context, self.choice_errors = context or {}, dict(preview.choice_errors)
        for f in self.form.fields if self.form else []:
            widget = self.query_one(f"#a-{f.code}")
            if isinstance(widget, Select) and f.code in preview.choices:
                kept = widget.value
                widget.set_options([(plain(text), code) for code, text in preview.choices[f.code]])
                select_if_offered(widget, kept)
        self.refresh_flags()

    def action_open_groups(self) -> None:
        for box in self.query(Collapsible):
            box.collapsed = False

    def set_context(self, context: dict) -> None:
        """The contact or customer changed: rules over them are evaluated again at once."""
        self.context = context
        self.refresh_flags()

    def put_values(self, values: dict[str, Any]) -> None:
        """Set some fields (a script's captures) in place; the rest stay as typed."""
        for f in self.form.fields if self.form else []:
            if f.code in values:
                self._put(f, values[f.code])
        self.refresh_flags()

    async def clear(self) -> None:
        async with self._rebuilding:
            self.form, self.flags = None, {}
            await self.remove_children()

    def focus_first(self) -> None:
        first = self._first_field()
        if first is not None:
            focus_now(first)

    def _first_field(self):
        """The first field an agent can type into (visible, not read-only), its group opened."""
        for f in self.form.fields if self.form else []:
            flags = self.flags.get(f.code)
            if flags and not flags.hidden and not flags.readonly:
                self.query_one(f"#ag-{f.group}", Collapsible).collapsed = False
                return self.query_one(f"#a-{f.code}")
        return None

    def _field(self, f: FieldDef, choices: list[tuple[str, str]] | None) -> list:
        label = Label(visible(f.label), id=f"al-{f.code}", classes="field-label", markup=False)
        widget: Widget
        if f.type == "bool":
            widget = Checkbox(plain(f.label), id=f"a-{f.code}", compact=True)
            label.display = False
        elif f.type in ("dictionary", "query"):
            options = [(plain(text), code) for code, text in choices or []]
            widget = Select(options, id=f"a-{f.code}", allow_blank=True, prompt=_("(choose)"), compact=True)
        else:
            sample = _SAMPLES.get(f.type)
            widget = Input(id=f"a-{f.code}", placeholder=_("e.g. {v}").format(v=sample) if sample else "",
                           compact=True)
        return [label, widget, Static("", id=f"ae-{f.code}", classes="field-error", markup=False)]

    def _put(self, f: FieldDef, value: Any) -> None:
        widget = self.query_one(f"#a-{f.code}")
        if isinstance(widget, Checkbox):
            widget.value = value is True or str(value).lower() == "true"
        elif isinstance(widget, Select):
            if not select_if_offered(widget, value):
                widget.value = Select.NULL
        elif isinstance(widget, Input):
            widget.value = field_value(value)

    def values(self) -> dict[str, Any]:
        """Raw values by attribute code, as typed (the services parse and check them)."""
        found: dict[str, Any] = {}
        for f in self.form.fields if self.form else []:
            widget = self.query_one(f"#a-{f.code}")
            if isinstance(widget, Select):
                found[f.code] = None if widget.value is Select.NULL else widget.value
            elif isinstance(widget, Checkbox | Input):
                found[f.code] = widget.value
        return found

    def typed(self, raw: dict[str, Any] | None = None) -> tuple[dict[str, Any], dict[str, str]]:
        typed, errors = {}, {}
        raw = self.values() if raw is None else raw  # read the widgets once per keystroke, not once per field
        for f in self.form.fields if self.form else []:
            try:
                typed[f.code] = parse(f.type, raw[f.code], pattern=f.pattern, max_length=f.max_length)
            except BadValue as error:
                typed[f.code], errors[f.code] = None, str(error)
        return typed, errors

    def refresh_flags(self) -> None:
        if self.form is None:
            return
        raw, was = self.values(), self.flags
        typed, errors = self.typed(raw)
        self.flags = self.form.flags(rule_context(self.form, typed, **self.context))
        for f in self.form.fields:
            flags = self.flags[f.code]
            label = self.query_one(f"#al-{f.code}", Label)
            label.update(visible(f.label) + (" *" if flags.mandatory else ""))
            widget = self.query_one(f"#a-{f.code}")
            if isinstance(widget, Checkbox):
                widget.label = plain(f.label + (" *" if flags.mandatory else ""))
            widget.disabled = flags.readonly
            for part in (label if f.type != "bool" else None, widget, self.query_one(f"#ae-{f.code}")):
                if part is not None:
                    part.set_class(flags.hidden, "-hidden-attribute")
            label.set_class(flags.mandatory, "-mandatory")
            if flags.mandatory and not was.get(f.code, flags).mandatory and raw.get(f.code) in ("", None):
                self.query_one(f"#ag-{f.group}", Collapsible).collapsed = False  # a rule asks for it: show it
        for group in self.form.groups:  # a group whose fields are all hidden takes no room
            shown = any(not self.flags[f.code].hidden for f in group.fields)
            self.query_one(f"#ag-{group.code}", Collapsible).set_class(not shown, "-hidden-attribute")
        self.show_errors({**self.choice_errors, **errors}, keep_others=False)

    def show_errors(self, errors: dict[str, str], keep_others: bool = True) -> None:
        for f in self.form.fields if self.form else []:
            box = self.query_one(f"#ae-{f.code}", Static)
            if f.code in errors or not keep_others:
                self.query_one(f"#a-{f.code}").set_class(f.code in errors, "-invalid")
            if f.code in errors:
                box.update(errors[f.code])
                box.display = True
            elif not keep_others:
                box.update("")
                box.display = False
        if errors and keep_others and self.form is not None:
            first = next((f for f in self.form.fields if f.code in errors), None)
            if first is not None:
                self._reveal(first)

    def _reveal(self, f: FieldDef) -> None:
        """Open the field's group and focus the field, so a blocked save shows where to look."""
        self.query_one(f"#ag-{f.group}", Collapsible).collapsed = False
        self.query_one(f"#a-{f.code}").focus()

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _changed(self, event) -> None:
        event.stop()
        self.refresh_flags()
