"""`crmterm billing show` and `crmterm blacklist add | list | lift`: the billing link and the blacklists
(services/billing)."""

from __future__ import annotations

import typer

from crmterm.cli._common import JSON_OPTION, env_of, out, print_json, print_table
from crmterm.cli.sales import day
from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.billing import accounts, billing_views, blacklist
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


blacklist_app = typer.Typer(no_args_is_help=True, help="Blacklists: customers, phone numbers and documents "
                            "flagged for fraud or non-payment.")


def _entries(entries: list[blacklist.BlacklistRead], as_json: bool) -> None:
    if as_json:
        print_json(entries)
        return
    print_table([e.model_dump() | {"kind": _(blacklist.KINDS[e.kind]), "reason": _(blacklist.REASONS[e.reason]),
                                   "state": _("in force") if e.in_force else _("lifted") if e.lifted_at else
                                   _("expired")} for e in entries],
                [("id", "ID"), ("kind", _("Kind")), ("value", _("Value")), ("reason", _("Reason")),
                 ("until", _("Until")), ("added_by", _("Added by")), ("state", _("State")), ("note", _("Note"))])


@blacklist_app.command("add")
def add(ctx: typer.Context,
        customer: int = typer.Option(None, "--customer", help="A customer's number."),
        phone: str = typer.Option(None, "--phone", help="A phone number (any usual form)."),
        document: str = typer.Option(None, "--document", help="An identity document's number."),
        reason: str = typer.Option(..., "--reason", help="fraud or non_payment."),
        note: str = typer.Option("", "--note"),
        until: str = typer.Option(None, "--until", metavar="DATE", help="In force before this day (default: "
                                  "until lifted)."),
        as_json: bool = JSON_OPTION) -> None:
    """Flag one customer, phone number or document (blacklist.write; audited)."""
    given = [(kind, value) for kind, value in (("customer", customer), ("phone", phone), ("document", document))
             if value is not None]
    if len(given) != 1:
        raise ValidationError("kind", _("give exactly one of --customer, --phone, --document"))
    kind, value = given[0]
    entry = env_of(ctx).call(blacklist.add_entry, kind=kind, value=str(value), reason=reason, note=note,
                             until=day(until, "until"), source="cli")
    _entries([entry], as_json)


@blacklist_app.command("list")
def list_entries(ctx: typer.Context, customer: int = typer.Option(None, "--customer",
                                                                  help="Only what concerns this customer."),
                 all_entries: bool = typer.Option(False, "--all", help="Lifted and expired entries too."),
                 as_json: bool = JSON_OPTION) -> None:
    """The entries in force, newest first."""
    _entries(env_of(ctx).call(blacklist.list_entries, party_id=customer, include_lifted=all_entries), as_json)


@blacklist_app.command("lift")
def lift(ctx: typer.Context, entry: int = typer.Argument(..., help="The entry's ID."),
         as_json: bool = JSON_OPTION) -> None:
    """Lift an entry (blacklist.write; audited); it stays listed with --all."""
    _entries([env_of(ctx).call(blacklist.lift_entry, entry_id=entry, source="cli")], as_json)
