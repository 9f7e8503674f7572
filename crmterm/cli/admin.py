"""`crmterm directory areas | list AREA | show AREA KEY` and `crmterm audit list`."""

from __future__ import annotations

from datetime import datetime

import typer

from crmterm.cli._common import JSON_OPTION, env_of, out, print_json, print_table
from crmterm.i18n import _, fmt_datetime, pick
from crmterm.services.accounts import audit
from crmterm.services.directory import directory
from crmterm.services.directory.registry import KINDS

directory_app = typer.Typer(help="Directory: channels, places, dictionaries, priorities, …", no_args_is_help=True)
audit_app = typer.Typer(help="Audit log of admin changes.", no_args_is_help=True)


@directory_app.command("areas")
def areas(as_json: bool = JSON_OPTION) -> None:
    """List the directory areas."""
    rows = [{"area": k.name, "title": _(k.label)} for k in KINDS.values()]
    print_json(rows) if as_json else print_table(rows, [("area", _("Area")), ("title", _("Title"))])


@directory_app.command("list")
def list_(ctx: typer.Context, area: str, search: str = typer.Option("", "--search", "-s"),
          active_only: bool = typer.Option(False, "--active-only"), as_json: bool = JSON_OPTION) -> None:
    """List entries of AREA (see `directory areas`)."""
    found = env_of(ctx).call(directory.list_entries, kind=area, search=search, active_only=active_only)
    if as_json:
        print_json(found)
        return
    rows = [{"key": e.key, "name": pick(e.values["labels"]), "active": e.values["active"]} for e in found]
    print_table(rows, [("key", _("Code")), ("name", _("Name")), ("active", _("Active"))])


@directory_app.command("show")
def show(ctx: typer.Context, area: str, key: str, as_json: bool = JSON_OPTION) -> None:
    """Show one entry of AREA by its code (dictionary items: DICTIONARY/CODE)."""
    found = env_of(ctx).call(directory.get_entry, kind=area, key=key)
    if as_json:
        print_json(found)
        return
    for name, value in found.values.items():
        out.print(f"{name}: {value}", markup=False)


@audit_app.command("list")
def audit_list(ctx: typer.Context,
               since: datetime = typer.Option(None, "--since", help="A date or date and time, UTC."),
               action: str = typer.Option(None, "--action", help="e.g. create, update, export, erase."),
               entity: str = typer.Option(None, "--entity", help="The area, e.g. user, customer, config."),
               who: str = typer.Option(None, "--actor", help="The login that did it."),
               limit: int = typer.Option(200, "--limit"), as_json: bool = JSON_OPTION) -> None:
    """Newest audited changes first."""
    found = env_of(ctx).call(audit.list_entries, since=since, action=action, entity=entity, who=who,
                             limit=limit)
    if as_json:
        print_json(found)
        return
    rows = [r.model_dump() | {"at": fmt_datetime(r.at)} for r in found]
    print_table(rows, [("at", _("When")), ("actor", _("Who")), ("source", _("Source")), ("action", _("Action")),
                       ("entity", _("Area")), ("entity_key", _("Key"))])
