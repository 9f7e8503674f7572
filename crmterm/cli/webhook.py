"""`crmterm webhook add | list | remove | log | deliver`: outgoing webhooks (admins). Subscriptions say which
event kind goes to which URL; `deliver` is the worker that posts what the outbox holds (a loop until Ctrl+C,
or one pass with --once for cron and tests)."""

from __future__ import annotations

import typer

from crmterm.cli._common import JSON_OPTION, env_of, out, print_json, print_table
from crmterm.cli.worker_loop import print_pass, run_passes
from crmterm.errors import CrmError
from crmterm.i18n import _, fmt_datetime
from crmterm.services.accounts.permissions import Permission, require
from crmterm.services.integrations import delivery, delivery_log, subscriptions
from crmterm.services.integrations.delivery import DeliveryReport

app = typer.Typer(help="Webhooks: subscribe URLs to events, deliver them, read the delivery log.",
                  no_args_is_help=True)


@app.command("add")
def add(ctx: typer.Context, kind: str = typer.Argument(..., metavar="KIND",
                                                       help=", ".join(subscriptions.EVENT_KINDS)),
        url: str = typer.Argument(..., metavar="URL", help="An http:// or https:// address."),
        secret: str = typer.Option(None, "--secret", help="The signing secret (else one is generated)."),
        as_json: bool = JSON_OPTION) -> None:
    """Send every KIND event to URL, signed with the secret (shown this once)."""
    added = env_of(ctx).call(subscriptions.add_subscription, kind=kind, url=url, secret=secret)
    if as_json:
        print_json(added)
        return
    out.print(_("Webhook {n}: {kind} → {url}").format(n=added.id, kind=added.kind, url=added.url), markup=False)
    out.print(_("Secret (shown only now): {secret}").format(secret=added.secret), markup=False)


@app.command("list")
def list_webhooks(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """The webhooks in force (their secrets are never shown again)."""
    found = env_of(ctx).call(subscriptions.list_subscriptions)
    if as_json:
        print_json(found)
        return
    print_table([r.model_dump() | {"created_at": fmt_datetime(r.created_at)} for r in found],
                [("id", "#"), ("kind", _("Event")), ("url", _("URL")), ("created_at", _("Created")),
                 ("created_by", _("By"))])


@app.command("remove")
def remove(ctx: typer.Context, subscription_id: int = typer.Argument(..., metavar="ID"),
           yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
           as_json: bool = JSON_OPTION) -> None:
    """Stop webhook ID; what still waits for it is not sent."""
    env = env_of(ctx)
    require(env.actor, Permission.WEBHOOKS_ADMIN)  # refused before being asked (the service checks again)
    if not yes and not typer.confirm(_("Remove webhook {n}?").format(n=subscription_id), default=False):
        raise CrmError(_("nothing removed"))
    removed = env.call(subscriptions.remove_subscription, subscription_id=subscription_id)
    if as_json:
        print_json(removed)
        return
    out.print(_("Webhook {n} removed").format(n=removed.id), markup=False)


@app.command("log")
def log(ctx: typer.Context, limit: int = typer.Option(50, "--limit", min=1, max=1000),
        failed: bool = typer.Option(False, "--failed", help="Only attempts that did not deliver."),
        as_json: bool = JSON_OPTION) -> None:
    """Delivery attempts, newest first: what, where, the answer, and the delivery's state now."""
    found = env_of(ctx).call(delivery_log.delivery_log, limit=limit, failed=failed)
    if as_json:
        print_json(found)
        return
    print_table([r.model_dump() | {"at": fmt_datetime(r.at), "next_attempt_at": fmt_datetime(r.next_attempt_at),
                                   "status": r.status if r.status is not None else ""} for r in found],
                [("at", _("Time")), ("delivery", _("Delivery")), ("kind", _("Event")), ("url", _("URL")),
                 ("status", _("Status")), ("error", _("Error")), ("state", _("State")),
                 ("attempts", _("Attempts")), ("next_attempt_at", _("Next attempt"))])


@app.command("deliver")
def deliver(ctx: typer.Context,
            once: bool = typer.Option(False, "--once", help="One pass over what is due, then exit."),
            every: float = typer.Option(5.0, "--every", min=0.1, metavar="SECONDS",
                                        help="Pause between passes when looping."),
            as_json: bool = JSON_OPTION) -> None:
    """Post the webhooks that are due, in a loop until Ctrl+C (or once with --once)."""
    run_passes(ctx, delivery.deliver, lambda report: _report(report, as_json), every=None if once else every,
               quiet=lambda report: not (report.delivered or report.retrying or report.failed))


def _report(report: DeliveryReport, as_json: bool) -> None:
    print_pass(report, as_json, _("delivered {delivered}, to retry {retrying}, failed {failed}").format(
        delivered=report.delivered, retrying=report.retrying, failed=report.failed))
