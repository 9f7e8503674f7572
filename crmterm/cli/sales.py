"""`crmterm product list | show` and `crmterm pricelist list | show`: the sales catalogue and its price lists
(services/sales). Both are configured as code (`crmterm config import`, sections products and price_lists)."""

from __future__ import annotations

from datetime import date

import typer

from crmterm.cli._common import JSON_OPTION, env_of, out, print_json, print_table
from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.sales import catalogue, pricing

product_app = typer.Typer(no_args_is_help=True, help="Sales catalogue: products, services, tariffs, options, "
                          "devices and bundles.")
pricelist_app = typer.Typer(no_args_is_help=True, help="Price lists per client category and period.")


def day(text: str | None, field: str) -> date | None:
    """A date typed on the command line (YYYY-MM-DD), or None when not given."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(field, _("expected a date YYYY-MM-DD")) from None


@product_app.command("list")
def list_products(ctx: typer.Context,
                  kind: str = typer.Option(None, "--kind", help=f"Only one kind: {', '.join(catalogue.KINDS)}."),
                  on: str = typer.Option(None, "--on", metavar="DATE", help="Only what is on sale that day."),
                  as_json: bool = JSON_OPTION) -> None:
    """The catalogue in code order."""
    found = env_of(ctx).call(catalogue.list_products, kind=kind, on=day(on, "on"))
    if as_json:
        print_json(found)
        return
    print_table([p.model_dump() | {"valid": f"{p.valid_from or '…'} – {p.valid_to or '…'}"} for p in found],
                [("code", _("Code")), ("kind", _("Kind")), ("name", _("Name")), ("unit", _("Unit")),
                 ("valid", _("Valid")), ("options", _("Options"))])


@product_app.command("show")
def show_product(ctx: typer.Context, code: str, as_json: bool = JSON_OPTION) -> None:
    """One product with its options, components and configuration rules."""
    found = env_of(ctx).call(catalogue.get_product, code=code)
    if as_json:
        print_json(found)
        return
    components = ", ".join(f"{c.get('quantity', 1)} × {c['code']}" for c in found.components)
    rules = "; ".join(f"{key}: {value}" for key, value in found.rules.items())
    for label, value in ((_("Code"), found.code), (_("Kind"), found.kind), (_("Name"), found.name),
                         (_("Unit"), found.unit), (_("Valid from"), found.valid_from or "…"),
                         (_("Valid to"), found.valid_to or "…"), (_("Options"), ", ".join(found.options)),
                         (_("Components"), components), (_("Rules"), rules)):
        out.print(f"{label}: {value}", markup=False)


@pricelist_app.command("list")
def list_price_lists(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """Every price list, the oldest first."""
    found = env_of(ctx).call(catalogue.list_price_lists)
    if as_json:
        print_json(found)
        return
    print_table([p.model_dump() | {"category": p.category or _("every category"), "prices": len(p.prices),
                                   "valid": f"{p.valid_from} – {p.valid_to or '…'}"} for p in found],
                [("code", _("Code")), ("name", _("Name")), ("category", _("Client category")),
                 ("valid", _("Valid")), ("currency", _("Currency")), ("tax_rate", _("Tax rate, %")),
                 ("prices", _("Prices"))])


@pricelist_app.command("show")
def show_price_list(ctx: typer.Context, code: str, as_json: bool = JSON_OPTION) -> None:
    """One price list with its prices."""
    found = env_of(ctx).call(catalogue.get_price_list, code=code)
    if as_json:
        print_json(found)
        return
    out.print(f"{found.code}: {found.name} ({found.category or _('every category')}, {found.valid_from} – "
              f"{found.valid_to or '…'}, {_('tax')} {found.tax_rate} %)", markup=False)
    print_table([{"code": code, "price": pricing.money(price, found.currency)} for code, price in found.prices.items()],
                [("code", _("Code")), ("price", _("Price"))])
