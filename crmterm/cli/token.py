"""`crmterm token create | list | revoke`: bearer tokens of the HTTP API (`crmterm serve`)."""

from __future__ import annotations

import typer

from crmterm.cli._common import JSON_OPTION, env_of, err, out, print_json, print_table
from crmterm.errors import CrmError
from crmterm.i18n import _, fmt_datetime
from crmterm.services.accounts import tokens

app = typer.Typer(help="API tokens for `crmterm serve`.", no_args_is_help=True)


@app.command("create")
def create(ctx: typer.Context, login: str, name: str = typer.Option(..., "--name", help="What uses it."),
           expires: int = typer.Option(None, "--expires", help="Days until it expires (default: never)."),
           scope: str = typer.Option("read", "--scope", help="read or write"),
           as_json: bool = JSON_OPTION) -> None:
    """A token acting as LOGIN (admins: for anyone; others: for themselves); printed once, stored hashed."""
    made = env_of(ctx).call(tokens.create_token, login=login, name=name, scope=scope, expires_days=expires)
    if as_json:
        print_json(made)
        return
    out.print(made.token, markup=False)
    err.print(_("Token #{id} {name} for {login} ({scope}): keep it now, it is not shown again").format(
        id=made.id, name=made.name, login=made.login, scope=made.scope), markup=False)


@app.command("list")
def list_(ctx: typer.Context, login: str = typer.Option(None, "--login", help="Only this user's tokens."),
          as_json: bool = JSON_OPTION) -> None:
    """Tokens with their last use (yours, or everyone's for supervisors, admins and auditors)."""
    found = env_of(ctx).call(tokens.list_tokens, login=login)
    if as_json:
        print_json(found)
        return
    when = {key: lambda v: fmt_datetime(v) if v else "—" for key in ("expires_at", "revoked_at", "last_used_at")}
    print_table([t.model_dump() | {key: show(t.model_dump()[key]) for key, show in when.items()} for t in found],
                [("id", "ID"), ("name", _("Name")), ("login", _("Login")), ("scope", _("Scope")),
                 ("expires_at", _("Expires")), ("revoked_at", _("Revoked")), ("last_used_at", _("Last used"))])


@app.command("revoke")
def revoke(ctx: typer.Context, token_id: int = typer.Argument(..., metavar="ID"),
           yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
           as_json: bool = JSON_OPTION) -> None:
    """Revoke token ID at once: requests carrying it are refused (401) from now on."""
    if not yes and not typer.confirm(_("Revoke API token #{id}?").format(id=token_id), default=False):
        raise CrmError(_("nothing revoked"))
    done = env_of(ctx).call(tokens.revoke_token, token_id=token_id)
    print_json(done) if as_json else out.print(_("Token #{id} {name} revoked").format(id=done.id, name=done.name),
                                               markup=False)
