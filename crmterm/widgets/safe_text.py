"""User data on screen: always literal. Names, notes, attribute values, labels and KB text may hold Rich or
Textual markup (`[@click=app.quit]`, `[link=…]`) or terminal control sequences; shown through these helpers
they can neither run an action, style the screen nor reach the terminal (text.visible is the policy).

`plain` gives a rich Text (for DataTable cells, Option prompts, Tree labels, Static.update, Text.assemble);
`literal` gives a string escaped for markup, for the few places that build a markup string around user data;
`field_value` gives an Input's value. `TerminalSafe` is the net under all of them: whatever path a text takes
to a widget, the app drops control characters from every rendered line before it reaches the terminal.
"""

from __future__ import annotations

from rich.markup import escape
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.color import Color
from textual.filter import LineFilter

from crmterm.text import control_character, visible, without_controls


def plain(value: object, style: str | Style = "", **options) -> Text:
    """`value` as literal text: no markup, control characters shown as visible symbols."""
    return Text(visible(value), style=style, **options)


def literal(value: object) -> str:
    """`value` escaped for embedding in a markup string (e.g. a notify() message with markup)."""
    return escape(visible(value))


def field_value(value: object) -> str:
    """An Input's (or TextArea's) value taken from data: control characters as visible symbols, so the field
    shows them and saving it back stores the symbols, never the characters (which the services refuse)."""
    return visible(value)


class TerminalSafe(LineFilter):
    """Drops every control character (C0, DEL, C1, bidi overrides) from the text of rendered lines: the last
    line of defence for a path that bypassed the helpers above (an Input value, a widget's own rendering).
    They are dropped, not replaced: they take no cells, so the line keeps the width Textual measured."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if not any(control_character(text) for text, _style, control in segments if not control):
            return segments
        return [segment if segment.control else Segment(without_controls(segment.text), *segment[1:])
                for segment in segments]
