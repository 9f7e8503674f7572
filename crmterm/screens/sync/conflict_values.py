"""How a conflict's values are shown and offered for editing: text as it is (control characters made
visible), numbers as digits, lists and names as JSON, nothing as "—"."""

from __future__ import annotations

import json
from typing import Any

from crmterm.i18n import _
from crmterm.services.sync.status import ConflictView
from crmterm.text import visible


def shown_value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list | dict):
        return visible(json.dumps(value, ensure_ascii=False))
    return visible(str(value))


def editable_value(value: Any) -> str:
    """What the edit dialog starts from (the service parses it back the same way)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def field_label(conflict: ConflictView) -> str:
    """The field, or for a refused change the action the server refused."""
    if conflict.kind != "field":
        return _("{action} (refused)").format(action=conflict.field or "?")
    return conflict.field or "?"


def detail_lines(conflict: ConflictView) -> list[str]:
    title = f"{visible(conflict.label)} · {field_label(conflict)}"
    if conflict.kind != "field":
        return [title, _("The server refused this change: {why}").format(why=visible(conflict.message) or "—"),
                _("T acknowledges it: the next sync brings the server's state.")]
    return [title, _("Ours (this laptop): {value}").format(value=shown_value(conflict.ours)),
            _("Theirs (the server): {value}").format(value=shown_value(conflict.theirs)),
            _("Before both changes: {value}").format(value=shown_value(conflict.base))]
