"""`crmterm quote new | add | set | remove | show | list | revise | compare | send | accept | reject | expire |
export`: quotes for customers (services/sales)."""

from __future__ import annotations

import typer

from crmterm.cli._common import JSON_OPTION, env_of, out, print_json, print_table
from crmterm.cli.sales import day
from crmterm.i18n import _
from crmterm.services.reports.exports import FORMATS
from crmterm.services.sales import pricing, quote_documents, quote_states, quotes
from crmterm.services.sales.quote_views import QuoteRead

app = typer.Typer(no_args_is_help=True, help="Quotes: configured, priced items for a customer; revisions, "
                  "e-mail, export.")
DISCOUNT = typer.Option(None, "--discount", metavar="PERCENT", help="A manual discount within your role's limit.")


def show(quote: QuoteRead, as_json: bool) -> None:
    if as_json:
        print_json(quote)
        return
    out.print(_("Quote {number}, revision {revision} — {customer} (#{party}); {state}, valid until {until}")
              .format(number=quote.number, revision=quote.revision, customer=quote.customer, party=quote.party_id,
                      state=quote.state, until=quote.valid_until), markup=False)
    money = quote.currency
    print_table([{"no": line.position, "product": line.product, "name": line.name,
                  "quantity": f"{line.quantity} {line.unit}",
                  "price": pricing.money(line.unit_price, money) if line.unit_price is not None else "—",
                  "discount": f"{line.structural_discount} + {line.manual_discount} %",
                  "total": pricing.money(line.total, money), "problems": "; ".join(line.problems)}
                 for line in quote.lines],
                [("no", "#"), ("product", _("Code")), ("name", _("Name")), ("quantity", _("Quantity")),
                 ("price", _("Unit price")), ("discount", _("Discount")), ("total", _("Total")),
                 ("problems", _("Configuration"))])
    for discount in quote.discounts:
        out.print(_("Discount: {d}").format(d=discount), markup=False)
    out.print(_("Net {net}, tax {tax} ({rate} %), total {total}").format(
        net=pricing.money(quote.net, money), tax=pricing.money(quote.tax, money), rate=quote.tax_rate,
        total=quote.total_text), markup=False)
    if quote.order:
        out.print(_("Order {number} made: crmterm order list").format(number=quote.order), markup=False)


@app.command("new")
def new(ctx: typer.Context, customer: int = typer.Argument(..., help="The customer's number."),
        opportunity: int = typer.Option(None, "--opportunity", help="The opportunity it belongs to."),
        valid_until: str = typer.Option(None, "--valid-until", metavar="DATE", help="Default: 30 days from today."),
        as_json: bool = JSON_OPTION) -> None:
    """A draft quote for CUSTOMER, priced with the price list in force for its client category."""
    show(env_of(ctx).call(quotes.create_quote, party_id=customer, opportunity_id=opportunity,
                          valid_until=day(valid_until, "valid_until"), source="cli"), as_json)


@app.command("add")
def add(ctx: typer.Context, quote: int, product: str, quantity: int = typer.Option(1, "--quantity", "-q"),
        discount: str = DISCOUNT, as_json: bool = JSON_OPTION) -> None:
    """Add PRODUCT to draft QUOTE; configuration problems show next to the item."""
    show(env_of(ctx).call(quotes.add_item, quote_id=quote, product=product, quantity=quantity,
                          manual_discount=discount or 0), as_json)


@app.command("set")
def set_(ctx: typer.Context, quote: int, position: int, quantity: int = typer.Option(None, "--quantity", "-q"),
         discount: str = DISCOUNT, as_json: bool = JSON_OPTION) -> None:
    """Change the quantity or the manual discount of item POSITION."""
    show(env_of(ctx).call(quotes.set_item, quote_id=quote, position=position, quantity=quantity,
                          manual_discount=discount), as_json)


@app.command("remove")
def remove(ctx: typer.Context, quote: int, position: int, as_json: bool = JSON_OPTION) -> None:
    """Remove item POSITION from draft QUOTE."""
    show(env_of(ctx).call(quotes.remove_item, quote_id=quote, position=position), as_json)


@app.command("show")
def show_quote(ctx: typer.Context, quote: int, as_json: bool = JSON_OPTION) -> None:
    """QUOTE priced, with its discounts, taxes and totals."""
    show(env_of(ctx).call(quotes.get_quote, quote_id=quote), as_json)


@app.command("list")
def list_(ctx: typer.Context, customer: int = typer.Option(None, "--customer", help="One customer's."),
          number: str = typer.Option(None, "--number", help="Every revision of one quote."),
          as_json: bool = JSON_OPTION) -> None:
    """Quotes, the newest first (a sales agent sees their own)."""
    found = env_of(ctx).call(quotes.list_quotes, party_id=customer, number=number)
    if as_json:
        print_json(found)
        return
    print_table([q.model_dump() | {"total": pricing.money(q.total, q.currency)} for q in found],
                [("id", "#"), ("number", _("Number")), ("revision", _("Revision")), ("customer", _("Customer")),
                 ("owner", _("Owner")), ("state", _("State")), ("valid_until", _("Valid until")),
                 ("total", _("Total"))])


@app.command("revise")
def revise(ctx: typer.Context, quote: int, as_json: bool = JSON_OPTION) -> None:
    """A new draft revision of QUOTE with the same items."""
    show(env_of(ctx).call(quotes.revise_quote, quote_id=quote), as_json)


@app.command("compare")
def compare(ctx: typer.Context, quote: int, other: int, as_json: bool = JSON_OPTION) -> None:
    """What changed from QUOTE to OTHER (two revisions)."""
    found = env_of(ctx).call(quote_documents.compare_quotes, quote_id=quote, other_id=other)
    if as_json:
        print_json(found)
    elif not found:
        out.print(_("No differences"), markup=False)
    else:
        print_table([d.model_dump() for d in found], [("what", _("What")), ("product", _("Code")),
                                                     ("before", _("Before")), ("after", _("After"))])


@app.command("send")
def send(ctx: typer.Context, quote: int, to: str = typer.Option(None, "--to", help="Default: the customer's "
                                                                                   "e-mail address."),
         as_json: bool = JSON_OPTION) -> None:
    """Send QUOTE by e-mail (queued in the outbox; `crmterm notify deliver` sends it)."""
    sent = env_of(ctx).call(quote_states.send_quote, quote_id=quote, to=to)
    if as_json:
        print_json(sent)
        return
    out.print(_("Quote {number} queued to {to}").format(number=sent.quote.number, to=sent.to), markup=False)


@app.command("accept")
def accept(ctx: typer.Context, quote: int, order_type: str = typer.Option(
        None, "--order-type", help="The order it becomes (default: the default order type)."),
           as_json: bool = JSON_OPTION) -> None:
    """The customer accepted QUOTE: it becomes an order handled along its route."""
    show(env_of(ctx).call(quote_states.accept_quote, quote_id=quote, order_type=order_type), as_json)


@app.command("reject")
def reject(ctx: typer.Context, quote: int, reason: str = typer.Option("", "--reason"),
           as_json: bool = JSON_OPTION) -> None:
    """The customer rejected QUOTE."""
    show(env_of(ctx).call(quote_states.reject_quote, quote_id=quote, reason=reason), as_json)


@app.command("expire")
def expire(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """Mark sent quotes past their validity date expired (sales.supervise)."""
    count = env_of(ctx).call(quote_states.expire_quotes)
    print_json({"expired": count}) if as_json else out.print(_("{n} expired").format(n=count), markup=False)


@app.command("export")
def export(ctx: typer.Context, quote: int,
           fmt: str = typer.Option("xlsx", "--format", help=f"One of: {', '.join(FORMATS)}."),
           out_file: str = typer.Option(..., "--out", metavar="FILE")) -> None:
    """Write QUOTE to FILE as XLSX, HTML, RTF, CSV or JSON."""
    from pathlib import Path

    found = env_of(ctx).call(quote_documents.export_quote, quote_id=quote, fmt=fmt, out=Path(out_file), source="cli")
    out.print(_("Quote {number} written to {file}").format(number=found.number, file=out_file), markup=False)
