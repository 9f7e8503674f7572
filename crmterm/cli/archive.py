"""`crmterm archive [--older-than DAYS] [--batch N] [--loop]`: move finished inquiries to the archive tables
in batches, with a progress bar. Safe to interrupt at any moment (each batch is one transaction) and to run
again: it continues with what is left. README shows a cron line and a systemd timer for running it nightly."""

from __future__ import annotations

import time

import typer

from crmterm.cli._common import JSON_OPTION, env_of, err, out, print_json
from crmterm.i18n import _
from crmterm.services.platform import archive as archiving


def archive(ctx: typer.Context,
            older_than: int = typer.Option(None, "--older-than", min=0, metavar="DAYS",
                                           help="Inquiries closed or cancelled more than DAYS ago (default: the "
                                                "archive_after_days setting, 365)."),
            batch: int = typer.Option(archiving.DEFAULT_BATCH, "--batch", min=1, max=archiving.MAX_BATCH,
                                      help="Inquiries per transaction."),
            pause: float = typer.Option(0.0, "--pause", min=0.0, metavar="SECONDS",
                                        help="Wait between batches, leaving room for the live work."),
            loop: float = typer.Option(None, "--loop", min=0.01, metavar="HOURS",
                                       help="Keep running: a pass every HOURS, until interrupted."),
            as_json: bool = JSON_OPTION) -> None:
    """Move inquiries finished long ago to the archive (they stay readable: `inquiry show`, `inquiry list
    --archived`)."""
    env = env_of(ctx)
    days = env.settings.archive_after_days if older_than is None else older_than
    actor = env.actor
    try:
        while True:
            _pass(env, actor, days, batch, pause, as_json)
            if loop is None:
                return
            time.sleep(loop * 3600)
    except KeyboardInterrupt:  # every committed batch stays archived; the rest is still live
        err.print(_("Interrupted: what was archived stays archived; run again to continue"), markup=False)
        raise typer.Exit(130) from None


def _pass(env, actor, days: int, batch: int, pause: float, as_json: bool) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    before = archiving.cutoff(days)
    total = env.call(archiving.count_eligible, before=before)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True, disable=as_json) as progress:
        task = progress.add_task(_("Archiving"), total=total)
        report = archiving.run(url=env.settings.database_url, actor=actor, before=before, size=batch,
                               pause=pause, progress=lambda n: progress.advance(task, n))
    if as_json:
        print_json(report)
        return
    out.print(_("Archived {n} inquiries finished before {cutoff} UTC in {s} s").format(
        n=report.archived, cutoff=report.cutoff.strftime("%Y-%m-%d %H:%M"), s=report.seconds), markup=False)
