"""`crmterm billing show` and `crmterm blacklist add | list | lift`: the billing link and the blacklists
(services/billing)."""

from __future__ import annotations

import typer

from crmterm.cli._common import JSON_OPTION, env_of, out, print_json, print_table
from crmterm.i18n import _
from crmterm.services.billing import accounts, billing_views
from crmterm.services.billing.accounts import BillingBlock

app = typer.Typer(no_args_is_help=True, help="Billing: balance, credit limit, services, invoices and payments "
                  "read from the billing system.")


def show_block(block: BillingBlock) -> None:
    out.print(billing_views.summary(block), markup=False)
    if block.known:
        print_table([{"number": i.number, "issued": i.issued_on, "due": i.due_on, "amount": i.amount,
                      "paid": i.paid, "overdue": "!" if i.overdue else ""} for i in block.invoices],
                    [("number", _("Invoice")), ("issued", _("Issued")), ("due", _("Due")), ("amount", _("Amount")),
                     ("paid", _("Paid")), ("overdue", _("Overdue"))])
        print_table([{"paid_on": p.paid_on, "amount": p.amount, "reference": p.reference} for p in block.payments],
                    [("paid_on", _("Paid on")), ("amount", _("Amount")), ("reference", _("Reference"))])


@app.command("show")
def show(ctx: typer.Context, customer: int = typer.Argument(..., help="The customer's number."),
         contract: int = typer.Option(None, "--contract", help="Narrow to one of its contracts (its id)."),
         subscriber: int = typer.Option(None, "--subscriber", help="Narrow to one subscriber (its id)."),
         as_json: bool = JSON_OPTION) -> None:
    """CUSTOMER's balance, overdue amount, credit limit, services in force and last invoices and payments; marked
    unavailable (at once, not after a wait) when billing is slow or down."""
    block = env_of(ctx).call(accounts.get_account, party_id=customer, contract_id=contract,
                             subscriber_id=subscriber)
    if as_json:
        print_json(block)
    else:
        show_block(block)
