"""`crmterm db upgrade | current | backup | restore`."""

from __future__ import annotations

from pathlib import Path

import typer

from crmterm.cli._common import JSON_OPTION, env_of, out, print_json
from crmterm.i18n import _
from crmterm.errors import CrmError
from crmterm.store import backup as backups
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


@app.command("backup")
def backup(ctx: typer.Context, file: Path = typer.Argument(..., help="The backup file to write."),
           force: bool = typer.Option(False, "--force", help="Replace FILE if it exists."),
           as_json: bool = JSON_OPTION) -> None:
    """Copy the SQLite database to FILE, consistently, while agents keep working."""
    made = backups.backup(env_of(ctx).settings.database_url, file, overwrite=force)
    _report(_("Backed up to {file} (revision {rev}, {size} bytes)"), made, as_json)


@app.command("restore")
def restore(ctx: typer.Context, file: Path = typer.Argument(..., help="A file made by `crmterm db backup`."),
            yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
            as_json: bool = JSON_OPTION) -> None:
    """Replace the SQLite database with FILE (the current content is kept beside it as .before-restore.bak);
    a file from a newer schema is refused, an older one is migrated after the restore."""
    url = env_of(ctx).settings.database_url
    if not yes and not typer.confirm(_("Replace the database with {file}?").format(file=file), default=False):
        raise CrmError(_("restore cancelled"))
    done = backups.restore(url, file, known=migrate.known_revisions(), head=migrate.head())
    if done.revision != migrate.head():
        migrate.upgrade(url, backup=False)
    _report(_("Restored from {file} (revision {rev}, {size} bytes)"), done, as_json, source=file)


def _report(message: str, info: backups.BackupInfo, as_json: bool, source: Path | None = None) -> None:
    shown = source or info.path
    if as_json:
        print_json({"file": str(shown), "revision": info.revision, "size": info.size})
    else:
        out.print(message.format(file=shown, rev=info.revision or "—", size=info.size), markup=False)
