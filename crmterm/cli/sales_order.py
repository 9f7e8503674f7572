"""`crmterm order list | show | cancel`: orders made from accepted quotes, handled on routes (services/sales)."""

from __future__ import annotations

import typer

from crmterm.cli._common import JSON_OPTION, env_of, out, print_json, print_table
from crmterm.i18n import _, fmt_datetime
from crmterm.services.sales import orders
from crmterm.services.sales.orders import OrderRead

app = typer.Typer(no_args_is_help=True, help="Orders: accepted quotes handled along their route.")


def show(found: OrderRead, as_json: bool) -> None:
    if as_json:
        print_json(found)
        return
    out.print(f"{found.number} — {found.customer} (#{found.party_id})", markup=False)
    inquiry = f"#{found.inquiry_id}" if found.inquiry_id else "—"
    for label, value in ((_("Type"), found.order_type_name), (_("State"), found.state_name),
                         (_("Inquiry"), inquiry), (_("Total"), found.total_text), (_("Owner"), found.owner or "—"),
                         (_("Created"), fmt_datetime(found.created_at)),
                         (_("Cancel reason"), found.cancel_reason or "—")):
        out.print(f"{label}: {value}", markup=False)
    if found.items:
        print_table([i.model_dump() | {"discount": f"{i.discount} %"} for i in found.items],
                    [("position", "#"), ("product", _("Product")), ("quantity", _("Quantity")),
                     ("unit_price", _("Unit price")), ("discount", _("Discount")), ("net", _("Net"))])


@app.command("list")
def list_(ctx: typer.Context, customer: int = typer.Option(None, "--customer"),
          state: str = typer.Option(None, "--state", help="A route step's code, completed or cancelled."),
          as_json: bool = JSON_OPTION) -> None:
    """Orders, newest first (a sales agent sees their own)."""
    found = env_of(ctx).call(orders.list_orders, party_id=customer, state=state)
    if as_json:
        print_json(found)
        return
    print_table([o.model_dump() for o in found],
                [("number", _("Order")), ("customer", _("Customer")), ("order_type_name", _("Type")),
                 ("state_name", _("State")), ("total_text", _("Total")), ("inquiry_id", _("Inquiry")),
                 ("owner", _("Owner"))])


@app.command("show")
def show_one(ctx: typer.Context, order: int, as_json: bool = JSON_OPTION) -> None:
    """One order with its items and where its handling stands."""
    show(env_of(ctx).call(orders.get_order, order_id=order), as_json)


@app.command("cancel")
def cancel(ctx: typer.Context, order: int, reason: str = typer.Option(..., "--reason"),
           as_json: bool = JSON_OPTION) -> None:
    """Cancel ORDER with a reason; its handling inquiry is cancelled with it."""
    show(env_of(ctx).call(orders.cancel_order, order_id=order, reason=reason), as_json)
