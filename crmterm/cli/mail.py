"""`crmterm mail fetch | list`: take in the mailbox (once, or in a loop as a service) and see what became of
each mail. The mailbox and its credentials come from config.yaml `mailbox:` or CRMTERM_MAILBOX_*, never from
the command line (other users see a process's arguments)."""

from __future__ import annotations

import time

import typer

from crmterm.cli._common import JSON_OPTION, env_of, err, out, print_json, print_table
from crmterm.i18n import _, fmt_datetime
from crmterm.services.mail import intake, mailboxes
from crmterm.services.mail.mailboxes import FetchReport
from crmterm.services.platform.bootstrap import ensure_database

app = typer.Typer(help="E-mail: take in the mailbox as contacts and inquiries, list the mail taken in.",
                  no_args_is_help=True)


@app.command("fetch")
def fetch(ctx: typer.Context,
          loop: float = typer.Option(None, "--loop", min=1, metavar="SECONDS",
                                     help="Keep fetching, a pass every SECONDS, until interrupted."),
          as_json: bool = JSON_OPTION) -> None:
    """Read the unread mail of the mailbox (settings: mailbox in config.yaml or CRMTERM_MAILBOX_*)."""
    env = env_of(ctx)
    actor = env.actor
    ensure_database(env.settings.database_url)
    try:
        while True:
            _report(mailboxes.fetch(settings=env.settings, actor=actor), as_json)
            if loop is None:
                return
            time.sleep(loop)
    except KeyboardInterrupt:  # a mail being taken in when interrupted is read again (and not doubled)
        return


def _report(report: FetchReport, as_json: bool) -> None:
    if as_json:
        print_json(report)
        return
    for line in report.failed:
        err.print(line, markup=False)
    out.print(_("{box}: new inquiries {new}, replies {replies}, duplicates {dup}, unmatched {unmatched}, "
                "failed {failed}").format(box=report.mailbox, new=len(report.inquiries), replies=len(report.replies),
                                          dup=report.duplicates, unmatched=report.unmatched,
                                          failed=len(report.failed)), markup=False)


@app.command("list")
def list_mail(ctx: typer.Context,
              outcome: str = typer.Option(None, "--outcome", help="inquiry | reply | unmatched | failed"),
              limit: int = typer.Option(50, "--limit", min=1, max=1000),
              as_json: bool = JSON_OPTION) -> None:
    """The mail taken in, newest first, with what became of each."""
    found = env_of(ctx).call(intake.messages, outcome=outcome, limit=limit)
    if as_json:
        print_json(found)
        return
    print_table([m.model_dump() | {"received_at": fmt_datetime(m.received_at),
                                   "refused": "; ".join(m.refused)} for m in found],
                [("id", "#"), ("received_at", _("Received")), ("sender", _("From")), ("subject", _("Subject")),
                 ("outcome", _("Outcome")), ("inquiry_id", _("Inquiry")), ("refused", _("Refused files")),
                 ("error", _("Error"))])
