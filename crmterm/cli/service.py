"""`crmterm asset …` and `crmterm service-contract …`: the installed base, warranties, service contracts and
entitlement (services/service)."""

from __future__ import annotations

import typer

from crmterm.cli._common import JSON_OPTION, env_of, out, print_json, print_table, read_input
from crmterm.cli.sales import day
from crmterm.i18n import _
from crmterm.services.service import assets, contract_import, entitlement, service_contracts, warranties
from crmterm.services.service.service_contracts import ContractDraft, ContractRead

app = typer.Typer(no_args_is_help=True, help="Installed base: equipment at customers, found by serial number; "
                  "warranty lengths per model.")


def _assets(found: list[assets.AssetRead], as_json: bool) -> None:
    if as_json:
        print_json(found)
        return
    print_table([a.model_dump() | {"model": a.model_name or a.model,
                                   "warranty": (_("until {day}") if a.under_warranty else _("ended {day}")).format(
                                       day=a.warranty_until) if a.warranty_until else "—"} for a in found],
                [("id", "ID"), ("serial", _("Serial")), ("model", _("Model")), ("party_id", _("Customer")),
                 ("customer", _("Name")), ("installed_on", _("Installed")), ("warranty", _("Warranty")),
                 ("address", _("Address"))])


@app.command("add")
def add(ctx: typer.Context, serial: str = typer.Argument(..., help="The serial number."),
        model: str = typer.Option(..., "--model", help="A catalogue product's code, or the model as text."),
        customer: int = typer.Option(..., "--customer", help="The customer's number."),
        subscriber: int = typer.Option(None, "--subscriber", help="One of the customer's subscribers (its id)."),
        address: str = typer.Option("", "--address"),
        installed: str = typer.Option(None, "--installed", metavar="DATE", help="Installed on (default: today)."),
        as_json: bool = JSON_OPTION) -> None:
    """Record a piece of equipment at a customer (service.write; audited)."""
    from datetime import date

    made = env_of(ctx).call(assets.add_asset, serial=serial, model=model, party_id=customer,
                            subscriber_id=subscriber, address=address,
                            installed_on=day(installed, "installed") or date.today(), source="cli")
    _assets([made], as_json)


@app.command("list")
def list_assets(ctx: typer.Context, customer: int = typer.Option(None, "--customer", help="Only this customer's."),
                as_json: bool = JSON_OPTION) -> None:
    """Equipment, newest installation first."""
    _assets(env_of(ctx).call(assets.list_assets, party_id=customer), as_json)


@app.command("find")
def find(ctx: typer.Context, serial: str = typer.Argument(..., help="The serial number (any case, spaces "
                                                                    "ignored)."),
         as_json: bool = JSON_OPTION) -> None:
    """The equipment with this serial number and its customer."""
    _assets([env_of(ctx).call(assets.find_asset, serial=serial)], as_json)


@app.command("show")
def show(ctx: typer.Context, asset: int = typer.Argument(..., help="The asset's ID."),
         as_json: bool = JSON_OPTION) -> None:
    """One piece of equipment with its warranty."""
    _assets([env_of(ctx).call(assets.get_asset, asset_id=asset)], as_json)


@app.command("warranty")
def warranty(ctx: typer.Context, model: str = typer.Argument(..., help="The model (a product code or text)."),
             months: int = typer.Argument(..., help="Warranty length in months from installation."),
             as_json: bool = JSON_OPTION) -> None:
    """Set a model's warranty length (service.write; audited)."""
    _warranties([env_of(ctx).call(warranties.set_warranty, model=model, months=months, source="cli")], as_json)


@app.command("warranties")
def warranty_list(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """Warranty lengths per model."""
    _warranties(env_of(ctx).call(warranties.list_warranties), as_json)


def _warranties(found: list[warranties.WarrantyRead], as_json: bool) -> None:
    if as_json:
        print_json(found)
    else:
        print_table([w.model_dump() for w in found], [("model", _("Model")), ("months", _("Months"))])


contract_app = typer.Typer(no_args_is_help=True, help="Service contracts: coverage, response and resolution "
                           "targets, validity; entitlement.")


def _contracts(found: list[ContractRead], as_json: bool) -> None:
    if as_json:
        print_json(found)
        return
    print_table([c.model_dump() | {"scope": c.scope_text(), "topics": " ".join(c.topics) or _("all"),
                                   "targets": f"{c.response_minutes or '—'} / {c.resolution_minutes or '—'}",
                                   "calendar": c.calendar or "24×7",
                                   "state": _("in force") if c.in_force else _("not in force")} for c in found],
                [("code", _("Code")), ("name", _("Name")), ("scope", _("Covers")), ("topics", _("Topics")),
                 ("targets", _("Response / resolution, min")), ("calendar", _("Hours")),
                 ("valid_from", _("From")), ("valid_to", _("Before")), ("state", _("State"))])


@contract_app.command("add")
def contract_add(ctx: typer.Context, code: str = typer.Argument(...),
                 customer: int = typer.Option(None, "--customer", help="The customer (or structure node) covered."),
                 structure: str = typer.Option(None, "--structure", help="Cover everyone below the customer in "
                                               "this structure too."),
                 asset: str = typer.Option(None, "--asset", help="Cover one asset (its serial) instead."),
                 topics: list[str] = typer.Option([], "--topic", help="A topic covered, with its subtree "
                                                  "(repeat; none: all)."),
                 products: list[str] = typer.Option([], "--product", help="A product model covered (repeat)."),
                 calendar: str = typer.Option(None, "--calendar", help="Business hours (default: 24×7)."),
                 response: str = typer.Option(None, "--response", help="e.g. 2h, 30m, 1h30m."),
                 resolution: str = typer.Option(None, "--resolution"),
                 valid_from: str = typer.Option(None, "--from", metavar="DATE", help="Default: today."),
                 valid_to: str = typer.Option(None, "--to", metavar="DATE", help="In force before this day."),
                 credit: str = typer.Option(None, "--credit", help="Credit owed per breach."),
                 name: str = typer.Option("", "--name"), as_json: bool = JSON_OPTION) -> None:
    """Add a service contract (service.write; audited)."""
    from datetime import date

    draft = ContractDraft(code=code, name=name, customer=customer, structure=structure, asset=asset,
                          topics=topics, products=products, calendar=calendar, response=response,
                          resolution=resolution, valid_from=day(valid_from, "from") or date.today(),
                          valid_to=day(valid_to, "to"), credit_per_breach=credit)
    _contracts([env_of(ctx).call(service_contracts.add_contract, draft=draft, source="cli")], as_json)


@contract_app.command("list")
def contract_list(ctx: typer.Context, customer: int = typer.Option(None, "--customer",
                                                                   help="Only those naming this customer."),
                  as_json: bool = JSON_OPTION) -> None:
    """Service contracts by code."""
    _contracts(env_of(ctx).call(service_contracts.list_contracts, party_id=customer), as_json)


@contract_app.command("show")
def contract_show(ctx: typer.Context, code: str = typer.Argument(...), as_json: bool = JSON_OPTION) -> None:
    """One service contract."""
    _contracts([env_of(ctx).call(service_contracts.get_contract, code=code)], as_json)


@contract_app.command("import")
def contract_import_file(ctx: typer.Context, file: str = typer.Argument(..., help="YAML or CSV (- : YAML from "
                                                                        "standard input)."),
                         as_json: bool = JSON_OPTION) -> None:
    """Add or replace (by code) the contracts of a file, all or nothing (service.write; audited)."""
    text = read_input(ctx, file)
    _contracts(env_of(ctx).call(contract_import.import_contracts, text=text, file=str(file), source="cli"), as_json)


@contract_app.command("entitlement")
def contract_entitlement(ctx: typer.Context, customer: int = typer.Argument(..., help="The customer's number."),
                         topic: str = typer.Option(None, "--topic", help="The topic asked about."),
                         asset: str = typer.Option(None, "--asset", help="The equipment concerned (serial)."),
                         as_json: bool = JSON_OPTION) -> None:
    """Whether the customer is covered: by a contract, a warranty, expired, or not at all."""
    found = env_of(ctx).call(entitlement.entitlement, party_id=customer, topic=topic, asset=asset)
    if as_json:
        print_json(found)
    else:
        out.print(found.text(), markup=False)
