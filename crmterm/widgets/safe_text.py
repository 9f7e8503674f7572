"""User data on screen: always literal. Names, notes, attribute values, labels and KB text may hold Rich or
Textual markup (`[@click=app.quit]`, `[link=…]`) or terminal control sequences; shown through these helpers
they can neither run an action, style the screen nor reach the terminal (text.visible is the policy).

`plain` gives a rich Text (for DataTable cells, Option prompts, Tree labels, Static.update, Text.assemble);
`literal` gives a string escaped for markup, for the few places that build a markup string around user data.
"""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text

from crmterm.text import visible


def plain(value: object, style: str = "", **options) -> Text:
    """`value` as literal text: no markup, control characters shown as visible symbols."""
    return Text(visible(value), style=style, **options)


def literal(value: object) -> str:
    """`value` escaped for embedding in a markup string (e.g. a notify() message with markup)."""
    return escape(visible(value))
