"""`crmterm notify deliver | list | retry`: send queued e-mail (once, or in a loop as a service), and let
admins see the outbox — what waits, what was sent, what failed and why — and send a failed one again."""

from __future__ import annotations

import typer

from crmterm.cli._common import JSON_OPTION, env_of, out, print_json, print_table
from crmterm.cli.worker_loop import print_pass, run_passes
from crmterm.errors import ValidationError
from crmterm.i18n import _, fmt_datetime
from crmterm.services.sla import notification_delivery, notification_inbox
from crmterm.services.sla.notification_delivery import DeliveryReport

app = typer.Typer(help="Notifications: deliver queued e-mail, list the outbox, retry failed messages.",
                  no_args_is_help=True)


@app.command("deliver")
def deliver(ctx: typer.Context,
            once: bool = typer.Option(False, "--once", help="One pass over what is due, then exit (the default)."),
            loop: float = typer.Option(None, "--loop", min=0.1, metavar="SECONDS",
                                       help="Keep delivering, a pass every SECONDS, until interrupted."),
            as_json: bool = JSON_OPTION) -> None:
    """Send the e-mail that is due over SMTP (settings: smtp in config.yaml or CRMTERM_SMTP_*)."""
    if once and loop is not None:
        raise ValidationError("loop", _("give --once or --loop, not both"))
    run_passes(ctx, notification_delivery.deliver, lambda report: _report(report, as_json), every=loop)


def _report(report: DeliveryReport, as_json: bool) -> None:
    print_pass(report, as_json, _("sent {sent}, to retry {retrying}, failed {failed}").format(
        sent=report.sent, retrying=report.retrying, failed=report.failed))


@app.command("list")
def list_notifications(ctx: typer.Context,
                       state: str = typer.Option(None, "--state", help="pending | sent | failed | read"),
                       channel: str = typer.Option(None, "--channel", help="in_app | email"),
                       limit: int = typer.Option(50, "--limit", min=1, max=1000),
                       before: int = typer.Option(None, "--before", help="The cursor a previous page printed."),
                       as_json: bool = JSON_OPTION) -> None:
    """Every notification, newest first (admins)."""
    found = env_of(ctx).call(notification_inbox.outbox, state=state, channel=channel, before=before, limit=limit)
    if as_json:
        print_json(found)
        return
    print_table([r.model_dump() | {"created_at": fmt_datetime(r.created_at),
                                   "next_attempt_at": fmt_datetime(r.next_attempt_at)} for r in found.rows],
                [("id", "#"), ("created_at", _("Created")), ("channel", _("Channel")),
                 ("recipient", _("Recipient")), ("state", _("State")), ("attempts", _("Attempts")),
                 ("next_attempt_at", _("Next attempt")), ("subject", _("Subject")), ("last_error", _("Error"))])
    if found.cursor:
        out.print(_("More: --before {c}").format(c=found.cursor), markup=False)


@app.command("retry")
def retry(ctx: typer.Context, notification_id: int = typer.Argument(..., metavar="ID"),
          as_json: bool = JSON_OPTION) -> None:
    """Send a failed e-mail again at the next delivery, with a fresh set of attempts (admins)."""
    found = env_of(ctx).call(notification_inbox.retry, notification_id=notification_id)
    if as_json:
        print_json(found)
        return
    out.print(_("Notification {n} will be sent at the next delivery").format(n=found.id), markup=False)
