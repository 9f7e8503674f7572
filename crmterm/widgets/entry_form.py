"""A form generated from field specs: one input per field, its error message right under it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static, TextArea
from textual.widgets._select import InvalidSelectValueError

from crmterm.errors import CrmError, ValidationError
from crmterm.i18n import _
from crmterm.services.directory.kinds import FieldSpec
from crmterm.settings import LANGUAGES
from crmterm.widgets.field_errors import clear_field_errors, show_field_error
from crmterm.widgets.safe_text import field_value, plain
from crmterm.widgets.type_ahead import KeyHolder, focus_now


def select_if_offered(select: Select, value: Any) -> bool:
    """Set a select to `value` when it is one of its options (Select raises on unknown values)."""
    offered = {v for _label, v in select._options}  # noqa: SLF001 - Select has no public accessor
    if value in offered:
        select.value = value
    return value in offered


class EntryForm(KeyHolder, Vertical):
    """Values in and out as the same plain dict the services take; nothing is validated here."""

    def __init__(self, fields: tuple[FieldSpec, ...], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fields = fields
        self._options: dict[str, list[tuple[str, str]]] = {}
        self._known: dict[str, set[str]] = {}  # values each select offers

    def compose(self) -> ComposeResult:
        for spec in self.fields:
            yield from self._field(spec)

    def _field(self, spec: FieldSpec) -> ComposeResult:
        label = _(spec.label) + (" *" if spec.required else "")
        if spec.type == "labels":
            for language in LANGUAGES:
                yield Label(f"{label} ({language})", classes="field-label")
                yield Input(id=f"f-labels-{language}", compact=True)
        elif spec.type == "bool":
            yield Checkbox(_(spec.label), id=f"f-{spec.name}", value=bool(spec.default), compact=True)
        elif spec.type in ("choice", "ref"):
            yield Label(label, classes="field-label")
            names = [_(label) for label in spec.choice_labels] or list(spec.choices)  # names, not codes
            options = list(zip(names, spec.choices)) or self._options.get(spec.name, [])
            self._known[spec.name] = {value for _label, value in options}
            yield Select(_literal(options), id=f"f-{spec.name}", allow_blank=True, prompt=_("(choose)"),
                         compact=True)
        elif spec.type == "document":  # a multi-line YAML document (route steps, transitions)
            yield Label(label, classes="field-label")
            yield TextArea(id=f"f-{spec.name}", classes="document", soft_wrap=False, show_line_numbers=True,
                           tab_behavior="indent")
        else:
            yield Label(label + self._hint(spec), classes="field-label")
            yield Input(id=f"f-{spec.name}", password=spec.type == "password", compact=True)
        yield Static("", id=f"e-{spec.name}", classes="field-error", markup=False)

    @staticmethod
    def _hint(spec: FieldSpec) -> str:
        return _(" (comma-separated)") if spec.type in ("refs", "emails") else ""

    def set_options(self, name: str, options: list[tuple[str, str]]) -> None:
        self._options[name], self._known[name] = options, {value for _label, value in options}
        found = self.query(f"#f-{name}")
        if not found:
            return  # the form was rebuilt for another area meanwhile; compose uses self._options
        select = found.first(Select)
        if not _composed(select):
            self.call_after_refresh(self.set_options, name, options)
            return
        value = select.value
        select.set_options(_literal(options))
        if value in self._known[name]:
            select.value = value

    def apply_options(self, options: dict[str, list[tuple[str, str]]], values: dict | None) -> None:
        """New choices for several selects, then the entry's values in the selects still blank (its values may
        be among the new choices); what was typed meanwhile in the other fields stays."""
        for name, choices in options.items():
            self.set_options(name, choices)
        if values is None:
            return
        for spec in self.fields:
            if spec.name in options and self._get(spec) is None:
                self._put(spec, values.get(spec.name, spec.default))

    def load(self, values: dict | None) -> None:
        if not all(self.query(f"#e-{spec.name}") for spec in self.fields):
            self.call_after_refresh(self.load, values)  # still recomposing for another area's fields
            return
        values = values or {}
        for spec in self.fields:
            self._put(spec, values.get(spec.name, spec.default))
        self.clear_errors()

    def _put(self, spec: FieldSpec, value: Any) -> None:
        if spec.type == "labels":
            for language in LANGUAGES:
                self.query_one(f"#f-labels-{language}", Input).value = field_value((value or {}).get(language, ""))
        elif spec.type == "bool":
            self.query_one(f"#f-{spec.name}", Checkbox).value = bool(value)
        elif spec.type in ("choice", "ref"):
            select = self.query_one(f"#f-{spec.name}", Select)
            if not _composed(select):  # just recomposed: its parts mount after this refresh
                self.call_after_refresh(self._put, spec, value)
                return
            try:
                select.value = value if value in self._known.get(spec.name, ()) else Select.NULL
            except InvalidSelectValueError:  # its new options are applied after this refresh
                self.call_after_refresh(self._put, spec, value)
        elif spec.type == "document":
            self.query_one(f"#f-{spec.name}", TextArea).text = yaml_text(value)
        elif spec.type == "yaml":  # JSON is YAML on one line, and reads back the same
            shown = field_value(json.dumps(value, ensure_ascii=False)) if value else ""
            self.query_one(f"#f-{spec.name}", Input).value = shown
        else:
            text = ", ".join(value) if isinstance(value, list | tuple) else ("" if value is None else str(value))
            self.query_one(f"#f-{spec.name}", Input).value = field_value(text)

    def values(self) -> dict:
        return {spec.name: self._get(spec) for spec in self.fields}

    def _get(self, spec: FieldSpec) -> Any:
        if spec.type == "labels":
            return {lang: self.query_one(f"#f-labels-{lang}", Input).value for lang in LANGUAGES}
        if spec.type == "bool":
            return self.query_one(f"#f-{spec.name}", Checkbox).value
        if spec.type in ("choice", "ref"):
            value = self.query_one(f"#f-{spec.name}", Select).value
            return None if value is Select.NULL else value
        if spec.type == "document":
            return read_yaml(self.query_one(f"#f-{spec.name}", TextArea).text)
        return self.query_one(f"#f-{spec.name}", Input).value

    def show_error(self, name: str | None, message: str) -> bool:
        """Put `message` under field `name`; False when the form has no such field."""
        if not name or not show_field_error(self, f"e-{name}", message):
            return False
        self.query_one(f"#f-{name}" if name != "labels" else f"#f-labels-{LANGUAGES[0]}").focus()
        return True

    def show_refusal(self, error: CrmError, renamed: Mapping[str, str] | None = None) -> None:
        """What a save was refused for: a refused value under its field (focused, everything typed kept), any
        other refusal (permission, conflict, a field the form lacks) as a notice. `renamed`: the form field
        showing a service's field of another name."""
        field = error.field if isinstance(error, ValidationError) else None
        field = (renamed or {}).get(field, field) if field else None
        message = error.detail if isinstance(error, ValidationError) and field else str(error)
        if not self.show_error(field, message):
            self.app.notify(str(error), severity="error", timeout=8)

    def clear_errors(self) -> None:
        clear_field_errors(self)

    def focus_first(self) -> None:
        first = self.first_field()
        if first is not None:
            focus_now(first)

    def first_field(self) -> Widget | None:
        found = self.query("Input, Select, Checkbox, TextArea")
        return found.first() if found else None


def yaml_text(value: Any) -> str:
    import yaml

    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=100) if value else ""


def read_yaml(text: str) -> Any:
    """The document, or the text itself when it is not YAML (the service then names what is wrong)."""
    import yaml

    try:
        return yaml.safe_load(text) if text.strip() else []
    except yaml.YAMLError:
        return text


def _literal(options: list[tuple[str, str]]) -> list[tuple[Text, str]]:
    """Labels come from data: show them as plain text, never as markup."""
    return [(plain(label), value) for label, value in options]


def _composed(select: Select) -> bool:
    return select.is_mounted and bool(select.query("#label"))
