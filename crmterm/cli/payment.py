"""`crmterm payment distribute`: a payer's payment split over the contracts below it in the payments structure
(services/customers/payment_split)."""

from __future__ import annotations

import typer

from crmterm.cli._common import JSON_OPTION, env_of, out, print_json, print_table
from crmterm.cli.sales import day
from crmterm.i18n import _
from crmterm.services.customers import payment_split

app = typer.Typer(no_args_is_help=True, help="Payments: a payer's payment distributed over its contracts.")


@app.command("distribute")
def distribute(ctx: typer.Context, payer: int = typer.Argument(..., help="The paying customer's number."),
               amount: str = typer.Option(..., "--amount", help="The amount paid, e.g. 100.00."),
               rule: str = typer.Option(None, "--rule", help="oldest or proportional (default: config.yaml's "
                                        "payments.rule, or the payer's own)."),
               reference: str = typer.Option("", "--reference", help="The payment's reference (bank, receipt)."),
               paid_on: str = typer.Option(None, "--paid-on", metavar="DATE", help="Default: today."),
               as_json: bool = JSON_OPTION) -> None:
    """Split PAYER's payment over the open invoices of its contracts and those below it (customers.billing);
    never more than a contract owes — the rest stays as an advance on the payer's first contract."""
    made = env_of(ctx).call(payment_split.distribute, payer_id=payer, amount=amount, rule=rule,
                            reference=reference, paid_on=day(paid_on, "paid_on"), source="cli")
    if as_json:
        print_json(made)
        return
    out.print(_("Distribution #{id}: {amount} {currency} by rule {rule}, advance {advance}").format(
        id=made.id, amount=made.amount, currency=made.currency, rule=made.rule, advance=made.advance),
        markup=False)
    print_table([a.model_dump() | {"invoice": a.invoice or _("advance")} for a in made.allocations],
                [("contract", _("Contract")), ("invoice", _("Invoice")), ("amount", _("Amount")),
                 ("payment_id", _("Payment"))])
