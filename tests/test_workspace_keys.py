"""The workspace's Alt keys are priority bindings (a terminal sends Alt+X as Escape and X, which a focused field
would take): so no widget that can stand in the workspace may bind one of them for itself — it would never
see the key. (Screens pushed on top are not checked: the workspace's bindings sleep while they are shown.)"""

from __future__ import annotations

import importlib
import pkgutil

from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

import crmterm.screens
import crmterm.widgets
from crmterm.screens.shell.workspace import WorkspaceScreen


def _keys(bindings) -> set[str]:
    found: set[str] = set()
    for binding in bindings:
        keys = binding.key if isinstance(binding, Binding) else binding[0]
        found |= set(keys.split(","))
    return found


def _widget_classes() -> list[type[Widget]]:
    for package in (crmterm.screens, crmterm.widgets):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(module.name)
    seen, todo = [], [Widget]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("crmterm.") and not issubclass(sub, Screen):
                seen.append(sub)
    return seen


def test_no_widget_binds_a_key_the_workspace_takes_first():
    taken = {key for binding in WorkspaceScreen.BINDINGS if isinstance(binding, Binding) and binding.priority
             for key in binding.key.split(",") if key.startswith("alt+")}
    clashes = {f"{cls.__module__}.{cls.__name__}: {key}" for cls in _widget_classes()
               for key in _keys(cls.__dict__.get("BINDINGS", [])) & taken}
    assert not clashes, sorted(clashes)
