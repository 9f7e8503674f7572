"""Who runs the actions of an automation rule.

Actions move inquiries, so they need the inquiry life-cycle, and the life-cycle fires the events that start
rules (routing.automation). The runner is handed in by the inquiries package (inquiries/__init__.py sets it
when it is imported, and every caller of `automation.fire` imports that package) instead of imported, so
routing never imports the life-cycle. This module imports nothing, so setting it works at any import order.
"""

from __future__ import annotations

from collections.abc import Callable

# (session, actor, inquiry id, rule code, parsed actions, CEL context) -> notes for the timeline
ActionRunner = Callable[..., list[str]]

_runner: ActionRunner | None = None


def set_runner(runner: ActionRunner) -> None:
    global _runner
    _runner = runner


def current() -> ActionRunner:
    if _runner is None:
        raise RuntimeError("automation: no action runner set "
                           "(import the crmterm.services.inquiries.inquiries package first)")
    return _runner



