"""`crmterm db upgrade | current | backup | restore | roles`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from crmterm.cli._common import JSON_OPTION, env_of, input_path, out, print_json
from crmterm.errors import CrmError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Permission, require
from crmterm.services.platform import backups, schema

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """Migrate the database to the current schema (an existing SQLite file is backed up first)."""
    env = env_of(ctx)
    before, after, backup = backups.upgrade(url=env.settings.database_url, actor=env.actor)
    result = {"from": before, "to": after, "backup": str(backup) if backup else None}
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
    result = {"current": schema.current(url), "head": schema.head()}
    if as_json:
        print_json(result)
    else:
        out.print(f"{result['current'] or '—'} (head {result['head']})", markup=False)


@app.command("backup")
def backup(ctx: typer.Context, file: Path = typer.Argument(..., help="The backup file to write."),
           force: bool = typer.Option(False, "--force", help="Replace FILE if it exists."),
           as_json: bool = JSON_OPTION) -> None:
    """Copy the SQLite database to FILE, consistently, while agents keep working."""
    env = env_of(ctx)
    made = backups.backup(url=env.settings.database_url, actor=env.actor, target=file, overwrite=force)
    _report(_("Backed up to {file} (revision {rev}, {size} bytes)"), made, as_json)


@app.command("restore")
def restore(ctx: typer.Context, file: Path = typer.Argument(..., help="A file made by `crmterm db backup`."),
            yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
            as_json: bool = JSON_OPTION) -> None:
    """Replace the SQLite database with FILE (the current content is kept beside it as .before-restore.bak);
    a file from a newer schema is refused, an older one is migrated after the restore."""
    env = env_of(ctx)
    input_path(ctx, file, limited=False)  # a FIFO would block the backup API; a backup has no size limit
    actor = env.actor  # authenticated against the current database, before it is replaced
    require(actor, Permission.DATABASE_ADMIN)  # refused before being asked (the service checks again)
    if not yes and not typer.confirm(_("Replace the database with {file}?").format(file=file), default=False):
        raise CrmError(_("restore cancelled"))
    done = backups.restore(url=env.settings.database_url, actor=actor, file=file)
    _report(_("Restored from {file} (revision {rev}, {size} bytes)"), done, as_json, source=file)


def _report(message: str, info: backups.BackupInfo, as_json: bool, source: Path | None = None) -> None:
    shown = source or info.path
    if as_json:
        print_json({"file": str(shown), "revision": info.revision, "size": info.size})
    else:
        out.print(message.format(file=shown, rev=info.revision or "—", size=info.size), markup=False)


@app.command("roles")
def roles_(ctx: typer.Context,
           owner: str = typer.Option("crmterm_owner", "--owner", help="Role that owns the tables, for migrations."),
           app_role: str = typer.Option("crmterm_app", "--app", help="Role the application connects as."),
           owner_env: str = typer.Option("CRMTERM_DB_OWNER_PASSWORD", "--owner-password-env", metavar="VAR",
                                         help="Environment variable holding the owner's password."),
           app_env: str = typer.Option("CRMTERM_DB_APP_PASSWORD", "--app-password-env", metavar="VAR",
                                       help="Environment variable holding the application role's password."),
           apply: bool = typer.Option(False, "--apply", help="Run the SQL on --db (as a superuser)."),
           as_json: bool = JSON_OPTION) -> None:
    """PostgreSQL least privilege: print (or --apply) SQL creating an owner role for migrations and an
    application role with row access only. Passwords come from environment variables or a prompt, never
    from the command line, and are masked in what is printed."""
    url = env_of(ctx).settings.database_url
    schema.database_of(url)  # SQLite: one line saying so, before any prompt
    plan = schema.RolePlan(owner=owner, app=app_role, owner_password=_secret(owner_env, owner, apply),
                          app_password=_secret(app_env, app_role, apply))
    if apply:
        schema.apply_roles(plan, url)
    if as_json:
        print_json({"owner": owner, "app": app_role, "applied": apply, "sql": schema.roles_script(plan, url)})
    elif apply:
        out.print(_("Roles {owner} and {app} are set up; run migrations as {owner}, the application as {app}")
                  .format(owner=owner, app=app_role), markup=False)
    else:
        out.print(schema.roles_script(plan, url), markup=False, end="")


def _secret(variable: str, role: str, applying: bool) -> str | None:
    """From the environment; when applying in a terminal, asked for; else None (the password is left as is)."""
    value = os.environ.get(variable)
    if value or not applying:
        return value or None
    if not sys.stdin.isatty():
        return None
    return typer.prompt(_("Password for {role} (empty: leave as it is)").format(role=role), hide_input=True,
                        confirmation_prompt=True, default="", show_default=False) or None
