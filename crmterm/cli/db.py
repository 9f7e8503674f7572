"""`crmterm db upgrade | current`."""

from __future__ import annotations

import typer

from crmterm.cli._common import JSON_OPTION, env_of, out, print_json
from crmterm.i18n import _
from crmterm.store import migrate

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """Migrate the database to the current schema (an existing SQLite file is backed up first)."""
    url = env_of(ctx).settings.database_url
    before = migrate.current(url)
    backup = migrate.upgrade(url)
    result = {"from": before, "to": migrate.head(), "backup": str(backup) if backup else None}
    if as_json:
        print_json(result)
    elif before == result["to"]:
        out.print(_("Already at revision {rev}").format(rev=before), markup=False)
    else:
        out.print(_("Upgraded from {a} to {b}").format(a=before or "—", b=result["to"]), markup=False)
        if backup:
            out.print(_("Backup: {path}").format(path=backup), markup=False)


@app.command("current")
def current(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """Show the database's schema revision and the newest one this version knows."""
    url = env_of(ctx).settings.database_url
    result = {"current": migrate.current(url), "head": migrate.head()}
    if as_json:
        print_json(result)
    else:
        out.print(f"{result['current'] or '—'} (head {result['head']})", markup=False)
