"""The attribute form of registration, narrowed to a route step: fields the step does not show are hidden,
fields it does not let edit are read-only, and the form knows which values were changed since loading."""

from __future__ import annotations

from typing import Any

from textual.widgets import Collapsible, Label

from crmterm.services.inquiries.inquiry_moves import StepView
from crmterm.widgets.attribute_form import AttributeFormView


class StepFormView(AttributeFormView):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.view = StepView(step=None, show=None, edit=[])
        self.baseline: dict[str, Any] = {}  # the values as loaded: what `changes` compares with

    def shows(self, code: str) -> bool:
        return self.view.show is None or "*" in self.view.show or code in self.view.show

    def lets_edit(self, code: str) -> bool:
        flags = self.flags.get(code)
        return ("*" in self.view.edit or code in self.view.edit) and self.shows(code) and not (
            flags is not None and (flags.readonly or flags.hidden))

    def put(self, code: str, value: Any) -> None:
        field = self.form.field(code) if self.form else None
        if field is not None:
            self._put(field, value)

    def changes(self) -> dict[str, Any]:
        """Edited values of the fields the step lets edit, as typed."""
        return {code: value for code, value in self.values().items()
                if self.lets_edit(code) and value != self.baseline.get(code)}

    def refresh_flags(self) -> None:
        super().refresh_flags()
        if self.form is None:
            return
        for f in self.form.fields:
            hidden = self.flags[f.code].hidden or not self.shows(f.code)
            widget = self.query_one(f"#a-{f.code}")
            widget.disabled = not self.lets_edit(f.code)
            label = self.query_one(f"#al-{f.code}", Label)
            for part in (label if f.type != "bool" else None, widget, self.query_one(f"#ae-{f.code}")):
                if part is not None:
                    part.set_class(hidden, "-hidden-attribute")
        for group in self.form.groups:
            visible = any(not self.flags[f.code].hidden and self.shows(f.code) for f in group.fields)
            self.query_one(f"#ag-{group.code}", Collapsible).set_class(not visible, "-hidden-attribute")
