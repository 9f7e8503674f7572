"""`crmterm sla scan`: mark warnings and breaches, escalate, notify — once per run; servers run it from cron
or a systemd timer (README, "SLA monitoring"). Each batch is its own transaction, so a long backlog never
holds the database for long."""

from __future__ import annotations

from datetime import datetime

import typer

from crmterm.cli._common import JSON_OPTION, env_of, err, out, print_json
from crmterm.i18n import _
from crmterm.moments import typed_moment
from crmterm.services.sla import sla_scan
from crmterm.services.sla.sla_scan import ScanReport
from crmterm.services.work import callback_scan

app = typer.Typer(help="SLA monitoring: warnings, breaches and escalations.", no_args_is_help=True)
MAX_CALLS = 1000  # a runaway backlog still ends: the next run carries on


@app.command("scan")
def scan(ctx: typer.Context,
         now: str = typer.Option(None, "--now", metavar="ISO",
                                 help="Scan as if it were this moment (default: now); local time without a zone."),
         as_json: bool = JSON_OPTION) -> None:
    """Find the inquiries whose warning or deadline has come, mark them once, escalate and notify."""
    moment = _moment(now)
    env = env_of(ctx)
    report = env.call(sla_scan.scan, now=moment)
    for _call in range(MAX_CALLS):
        if not report.more:
            break
        report.add(env.call(sla_scan.scan, now=report.now))
    _print(report, _overdue_callbacks(env, report.now), as_json)


def _overdue_callbacks(env, now: datetime) -> int:
    """Overdue callbacks escalate in the same run, like SLA warnings (services/work/callback_scan)."""
    escalated = 0
    for _call in range(MAX_CALLS):
        found = env.call(callback_scan.scan_overdue, now=now)
        escalated += found.escalated
        if not found.more:
            break
    return escalated


def _moment(text: str | None) -> datetime | None:
    if text is None:
        return None
    return typed_moment(text, "now")


def _print(report: ScanReport, callbacks_overdue: int, as_json: bool) -> None:
    if as_json:
        print_json({**report.model_dump(mode="json"), "callbacks_overdue": callbacks_overdue})
        return
    for line in report.errors:
        err.print(line, markup=False)
    out.print(_("warned {warned}, breached {breached}, escalated {escalated} (looked at {checked})").format(
        warned=report.warned, breached=report.breached, escalated=report.escalated, checked=report.checked),
        markup=False)
    if callbacks_overdue:
        out.print(_("overdue callbacks escalated: {n}").format(n=callbacks_overdue), markup=False)
