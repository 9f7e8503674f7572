"""The loop of an outbox worker command (`notify deliver`, `webhook deliver`): a pass over what is due, then
a pause, until Ctrl+C — or one pass only — and the pass's report printed the same way by each."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import typer

from crmterm.cli._common import env_of, err, out, print_json
from crmterm.services.accounts.permissions import Actor
from crmterm.services.platform.bootstrap import ensure_database
from crmterm.settings import Settings


class PassReport(Protocol):
    errors: list[str]


R = TypeVar("R", bound=PassReport)


def run_passes(ctx: typer.Context, deliver: Callable[..., R], show: Callable[[R], None], *,
               every: float | None, quiet: Callable[[R], bool] = lambda _report: False) -> None:
    """One pass (`every` None) or a pass every `every` seconds; `quiet` passes print nothing in a loop."""
    env = env_of(ctx)
    settings: Settings = env.settings
    actor: Actor = env.actor
    ensure_database(settings.database_url)
    try:
        while True:
            report = deliver(settings=settings, actor=actor)
            if every is None or not quiet(report):
                show(report)
            if every is None:
                return
            time.sleep(every)
    except KeyboardInterrupt:  # what was being sent when interrupted is sent again after its lease
        return


def print_pass(report: Any, as_json: bool, summary: str) -> None:
    """The report as JSON, or its errors on stderr and a one-line summary."""
    if as_json:
        print_json(report)
        return
    for line in report.errors:
        err.print(line, markup=False)
    out.print(summary, markup=False)
