"""`crmterm collections import | scan | promise | promises | aging`: receivables, the dunning scan and promised
payments (services/collections). The reports are `crmterm report aging` and `crmterm report collections`."""

from __future__ import annotations

from pathlib import Path

import typer

from crmterm.cli._common import JSON_OPTION, env_of, out, print_json, print_table
from crmterm.cli.sales import day
from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.collections import aging, dunning, promises, receivables

app = typer.Typer(no_args_is_help=True, help="Collections: receivables from billing, the dunning scan, promised "
                  "payments.")


@app.command("import")
def import_receivables(ctx: typer.Context,
                       file: Path = typer.Argument(None, help="A .csv or .jsonl file of invoices billing exported "
                                                   "(number, customer, contract, issued_on, due_on, amount, paid, "
                                                   "currency)."),
                       from_adapter: bool = typer.Option(False, "--from-adapter", help="Read every active "
                                                         "customer's invoices through the billing adapter."),
                       as_json: bool = JSON_OPTION) -> None:
    """Import invoices into receivables, idempotent by billing's invoice number (collections.manage)."""
    if (file is None) == (not from_adapter):
        raise ValidationError("file", _("give a FILE or --from-adapter (one of them)"))
    if from_adapter:
        summary = env_of(ctx).call(receivables.import_from_adapter)
    else:
        summary = env_of(ctx).call(receivables.import_file, path=file)
    if as_json:
        print_json(summary)
        return
    out.print(_("Receivables: {created} new, {updated} updated, {unchanged} unchanged, for {customers} "
                "customers.").format(**summary.model_dump()), markup=False)
    for problem in summary.unavailable:
        out.print(_("billing did not answer for customer {problem}").format(problem=problem), markup=False)


@app.command("scan")
def scan(ctx: typer.Context,
         as_of: str = typer.Option(None, "--as-of", metavar="DATE", help="The day to scan as of (default: today)."),
         grace_days: int = typer.Option(0, "--grace-days", min=0, max=365, help="Days past the due day before "
                                        "dunning starts."),
         as_json: bool = JSON_OPTION) -> None:
    """Start the dunning process for customers with overdue invoices (one open case each), settle promised
    payments (broken ones flagged and escalated), close the cases of customers who paid (collections.manage)."""
    result = env_of(ctx).call(dunning.scan, as_of=day(as_of, "as-of"), grace_days=grace_days)
    if as_json:
        print_json(result)
        return
    out.print(_("Collections scan as of {day}: {started} dunning inquiries started ({tasks} call tasks, "
                "{reminders} reminders queued), {kept} promises kept, {broken} broken, {settled} cases settled.")
              .format(day=result.as_of.isoformat(), started=len(result.started), tasks=len(result.tasks),
                      reminders=result.reminders, kept=len(result.kept), broken=len(result.broken),
                      settled=len(result.settled)), markup=False)


@app.command("promise")
def promise(ctx: typer.Context, customer: int = typer.Argument(..., help="The customer's number."),
            amount: str = typer.Option(..., "--amount", help="The amount promised."),
            date: str = typer.Option(..., "--date", metavar="DATE", help="The day it is promised by."),
            inquiry: int = typer.Option(None, "--inquiry", help="The inquiry it answers (default: the customer's "
                                        "open dunning inquiry)."),
            note: str = typer.Option("", "--note"), as_json: bool = JSON_OPTION) -> None:
    """Record CUSTOMER's promise to pay AMOUNT by DATE (collections.work)."""
    promised_on = day(date, "date")
    if promised_on is None:  # an empty --date
        raise ValidationError("date", _("expected a date YYYY-MM-DD"))
    made = env_of(ctx).call(promises.record_promise, party_id=customer, amount=amount, promised_on=promised_on,
                            inquiry_id=inquiry, note=note, source="cli")
    _promises([made], as_json)


@app.command("promises")
def list_promises(ctx: typer.Context, customer: int = typer.Option(None, "--customer"),
                  state: str = typer.Option(None, "--state", help="open, kept or broken."),
                  as_json: bool = JSON_OPTION) -> None:
    """Promised payments, newest first."""
    _promises(env_of(ctx).call(promises.list_promises, party_id=customer, state=state), as_json)


def _promises(found: list[promises.PromiseRead], as_json: bool) -> None:
    if as_json:
        print_json(found)
        return
    print_table([p.model_dump() for p in found],
                [("id", "ID"), ("party_id", _("Customer no.")), ("customer", _("Customer")), ("amount", _("Amount")),
                 ("promised_on", _("By")), ("paid_since", _("Paid since")), ("state", _("State")),
                 ("inquiry_id", _("Inquiry")), ("created_by", _("Recorded by"))])


@app.command("aging")
def show_aging(ctx: typer.Context, customer: int = typer.Argument(..., help="A customer, or with --structure "
                                                                  "the payer node."),
               structure: str = typer.Option(None, "--structure", help="Sum the node and everyone below it in "
                                             "this structure."),
               as_of: str = typer.Option(None, "--as-of", metavar="DATE"), as_json: bool = JSON_OPTION) -> None:
    """What CUSTOMER (or the payer node) owes, by how long it is overdue."""
    when = day(as_of, "as-of")
    env = env_of(ctx)
    if structure:
        whole, rows = env.call(aging.node_aging, structure=structure, party_id=customer, as_of=when)
    else:
        whole, rows = env.call(aging.customer_aging, party_id=customer, as_of=when), []
    if as_json:
        print_json({"total": _with_sums(whole), "customers": [_with_sums(row) for row in rows]})
        return
    print_table([_with_sums(row) for row in [whole, *rows]],
                [("name", _("Customer")), *[(b, _(aging.BUCKET_LABELS[b])) for b in aging.BUCKETS],
                 ("overdue", _("Overdue")), ("total", _("Open"))])


def _with_sums(row: aging.Aging) -> dict:
    return row.model_dump() | {"overdue": row.overdue, "total": row.total}
