"""The text shown under the route editor: the route as a diagram, or what keeps it from being one."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from crmterm.i18n import _
from crmterm.workflow.routes import diagram, parse


def route_preview(steps: Any, transitions: Any) -> Text:
    if isinstance(steps, str) or isinstance(transitions, str):
        return Text(_("Not valid YAML yet"), style="bold red")
    route, problems = parse(steps, transitions)
    text = Text()
    for problem in problems:
        text.append(f"✗ {problem}\n", style="red")
    if route is not None:
        text.append("\n".join(diagram(route)))
    return text
