"""Who runs the actions of an automation rule.

Actions move inquiries, so they need the inquiry life-cycle, and the life-cycle fires the events that start
rules (routing.automation). The runner is handed in by the inquiries package (inquiries/__init__.py sets it
when it is imported) instead of imported, so routing never imports the life-cycle statically; asked before
that, `current` imports the package by dotted name. This module imports nothing of crmterm's, so setting it
works at any import order.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

# (session, actor, inquiry id, rule code, parsed actions, CEL context) -> notes for the timeline
ActionRunner = Callable[..., list[str]]
PROVIDER = "crmterm.services.inquiries"  # its __init__ calls set_runner

_runner: ActionRunner | None = None


def set_runner(runner: ActionRunner) -> None:
    global _runner
    _runner = runner


def current() -> ActionRunner:
    if _runner is None:
        importlib.import_module(PROVIDER)
    if _runner is None:
        raise RuntimeError(f"automation: no action runner set ({PROVIDER} did not)")
    return _runner
