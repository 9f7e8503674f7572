"""Alt keys as a real terminal sends them, and the workspace's own.

A terminal sends Alt+X as Escape and X, and Textual reads some of those pairs as other keys (Escape f and
Escape b are iTerm's word moves: Ctrl+Right and Ctrl+Left), so such a binding works under Pilot and never at
a desk: no screen or widget may bind one. The workspace's Alt keys are priority bindings (a terminal sends Alt+X as Escape and X, which a focused field
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


def _screen_and_widget_classes() -> list[type]:
    _widget_classes()  # imports every module
    seen, todo = [], [Widget]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("crmterm."):
                seen.append(sub)
    return seen


def _as_received(alt_key: str) -> str | None:
    """The key Textual makes of what a terminal sends for `alt+X`, when it is not alt+X (None: it is)."""
    from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
    from textual.keys import _character_to_key

    found = ANSI_SEQUENCES_KEYS.get("\x1b" + alt_key[4:]) if len(alt_key) == 5 else None
    if found is None:
        return None
    return _character_to_key(found) if isinstance(found, str) else found[0].value


def test_every_alt_key_reaches_the_app_as_alt_from_a_real_terminal():
    """Alt+1…9 are bound with the Option characters too (widgets/topic_picker.OPTION_DIGITS): those pass."""
    misread = set()
    for cls in _screen_and_widget_classes():
        for binding in cls.__dict__.get("BINDINGS", []):
            keys = (binding.key if isinstance(binding, Binding) else binding[0]).split(",")
            for key in keys:
                received = _as_received(key) if key.startswith("alt+") else None
                if received is not None and received not in keys:
                    misread.add(f"{cls.__module__}.{cls.__name__}: {key} arrives as {received}")
    assert not misread, sorted(misread)
