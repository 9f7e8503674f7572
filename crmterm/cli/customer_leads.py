"""`crmterm customer export-leads | leads-ack`: leads sent to billing incrementally and billing's answers
(services/customers/leads, lead_batches), added to the customer group's app (COMMANDS loads this module for it)."""

from __future__ import annotations

from pathlib import Path

import typer

from crmterm.cli._common import JSON_OPTION, env_of, err, input_path, out, print_json
from crmterm.cli.customer import app
from crmterm.i18n import _

__all__ = ["app"]


@app.command("export-leads")
def export_leads(ctx: typer.Context, file: Path = typer.Argument(..., help=".csv or .json"),
                 resend_failed: bool = typer.Option(False, "--resend-failed", help="Also the leads billing "
                                                    "rejected, unchanged."),
                 everything: bool = typer.Option(False, "--all", help="Every active lead, sent before or not."),
                 as_json: bool = JSON_OPTION) -> None:
    """Write the active leads new or changed since the last export for the billing system (each marked sent in
    a new batch)."""
    from crmterm.services.customers import leads

    count = env_of(ctx).call(leads.export_leads, path=file, resend_failed=resend_failed, everything=everything)
    print_json({"file": str(file), "leads": count}) if as_json else out.print(
        _("Exported {n} leads to {file}").format(n=count, file=file), markup=False)


@app.command("leads-ack")
def leads_ack(ctx: typer.Context, file: Path = typer.Argument(..., help="Billing's answer: .csv (id,status,reason"
                                                              "[,batch]) or .json (a list of such objects)."),
              as_json: bool = JSON_OPTION) -> None:
    """Mark exported leads accepted or rejected (with billing's reason) from an acknowledgement file."""
    from crmterm.services.customers import lead_batches

    report = env_of(ctx).call(lead_batches.acknowledge, path=input_path(ctx, file))
    if as_json:
        print_json(report)
        return
    out.print(_("Accepted {accepted}, rejected {rejected}, stale {stale}").format(
        accepted=report.accepted, rejected=report.rejected, stale=report.stale), markup=False)
    for line, message in report.errors:
        err.print(_("line {line}: {message}").format(line=line, message=message), markup=False)
