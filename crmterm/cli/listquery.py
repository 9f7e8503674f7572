"""`crmterm listquery list | show CODE | preview CODE --customer ID | entities`: the query lists admins define
(the `list_queries` area; edited in the Admin tab or by `crmterm config import`)."""

from __future__ import annotations

import typer

from crmterm.cli._common import JSON_OPTION, env_of, out, print_json, print_table
from crmterm.i18n import _, pick
from crmterm.services.directory import directory
from crmterm.services.topics import list_queries

app = typer.Typer(no_args_is_help=True, help="Query lists: admin-defined lists that fill query attributes.")


@app.command("list")
def list_(ctx: typer.Context, search: str = typer.Option("", "--search", "-s"), as_json: bool = JSON_OPTION) -> None:
    """Every configured query list."""
    found = env_of(ctx).call(directory.list_entries, kind=list_queries.KIND, search=search)
    if as_json:
        print_json([e.values for e in found])
        return
    rows = [{"code": e.key, "name": pick(e.values["labels"]), "entity": e.values["entity"],
             "active": e.values["active"]} for e in found]
    print_table(rows, [("code", _("Code")), ("name", _("Name")), ("entity", _("Entity")), ("active", _("Active"))])


@app.command("show")
def show(ctx: typer.Context, code: str, as_json: bool = JSON_OPTION) -> None:
    """One query list's definition."""
    found = env_of(ctx).call(directory.get_entry, kind=list_queries.KIND, key=code)
    if as_json:
        print_json(found.values)
        return
    for name, value in found.values.items():
        out.print(f"{name}: {value}", markup=False)


@app.command("preview")
def preview(ctx: typer.Context, code: str,
            customer: int = typer.Option(None, "--customer", help="The sample customer's number."),
            topic: str = typer.Option(None, "--topic", help="The inquiry topic the list is for."),
            as_json: bool = JSON_OPTION) -> None:
    """What CODE lists for a sample customer, as an agent would see it (admins)."""
    found = env_of(ctx).call(list_queries.preview, code=code, customer_id=customer, topic=topic)
    if as_json:
        print_json(found.document())
        return
    if not found.rows:
        out.print(_("The list is empty ({ms} ms)").format(ms=found.elapsed_ms), markup=False)
        return
    print_table([{"value": value, "label": label} for value, label in found.rows],
                [("value", _("Value")), ("label", _("Label"))],
                title=_("Rows: {n} ({ms} ms)").format(n=len(found.rows), ms=found.elapsed_ms))


@app.command("entities")
def entities(as_json: bool = JSON_OPTION) -> None:
    """What a query list may read: entities, their fields, and the parameters a filter may bind."""
    found = list_queries.catalogue()
    if as_json:
        print_json(found)
        return
    for name, entity in found["entities"].items():
        out.print(f"{name} — {entity['label']}: {', '.join(entity['fields'])}", markup=False)
    out.print(_("Parameters: {names}").format(names=", ".join(found["parameters"])), markup=False)
