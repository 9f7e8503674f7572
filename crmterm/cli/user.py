"""`crmterm user add | list | show | set | passwd | roles`."""

from __future__ import annotations

import sys

import typer

from crmterm.cli._common import JSON_OPTION, env_of, out, print_json, print_table, read_secret_stdin
from crmterm.errors import ConfigError
from crmterm.i18n import _
from crmterm.services.accounts import permission_doc, role_assignments, users
from crmterm.services.accounts.permissions import ROLE_LABELS, Role

app = typer.Typer(help="User accounts.", no_args_is_help=True)
_STDIN = typer.Option(False, "--password-stdin", help="Read the password from the first line of stdin.")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return read_secret_stdin()
    if not sys.stdin.isatty():  # typer.prompt would warn that it cannot hide the input, then say "Aborted."
        raise ConfigError(_("no terminal to ask for the password: give it with --password-stdin"))
    return typer.prompt(_("Password"), hide_input=True, confirmation_prompt=True)


@app.command("add")
def add(ctx: typer.Context, login: str,
        role: str = typer.Option(..., "--role", help="agent, supervisor, admin, auditor"),
        name: str = typer.Option("", "--name", help="Display name."),
        email: str = typer.Option(None, "--email"),
        group: list[str] = typer.Option([], "--group", help="User group code (repeatable)."),
        password_stdin: bool = _STDIN,
        db_login: bool = typer.Option(None, "--db-login/--no-db-login",
                                      help="PostgreSQL: also create the user's own database login "
                                           "(default: the per_user_db_logins setting)."),
        as_json: bool = JSON_OPTION) -> None:
    """Create user LOGIN with ROLE."""
    env = env_of(ctx)
    db_login = env.settings.per_user_db_logins if db_login is None else db_login
    values = {"login": login, "role": role, "display_name": name, "email": email, "groups": group}
    users.clean_document(values)  # refuse bad input before asking for a password
    password = _password(password_stdin)
    created = env.run(lambda session, actor: users.add_user(session=session, actor=actor, values=values,
                                                            password=password, source="cli",
                                                            db_login=db_login))
    if as_json:
        print_json(created)
    else:
        out.print(_("Created user {login} ({role})").format(login=created.login, role=created.role), markup=False)


@app.command("list")
def list_(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """List users."""
    found = env_of(ctx).call(users.list_users)
    if as_json:
        print_json(found)
    else:
        print_table([u.model_dump() for u in found], [("login", _("Login")), ("display_name", _("Name")),
                    ("role", _("Role")), ("groups", _("Groups")), ("active", _("Active"))])


@app.command("show")
def show(ctx: typer.Context, login: str, as_json: bool = JSON_OPTION) -> None:
    """Show one user."""
    found = env_of(ctx).call(users.get_user, login=login)
    if as_json:
        print_json(found)
    else:
        for key, value in found.model_dump().items():
            out.print(f"{key}: {value}", markup=False)


@app.command("set")
def set_(ctx: typer.Context, login: str, role: str = typer.Option(None, "--role"),
         name: str = typer.Option(None, "--name"), active: bool = typer.Option(None, "--active/--inactive"),
         group: list[str] = typer.Option(None, "--group", help="Replace groups (repeatable)."),
         as_json: bool = JSON_OPTION) -> None:
    """Change a user's role, name, groups or active flag."""
    env = env_of(ctx)
    changes = {k: v for k, v in {"role": role, "display_name": name, "active": active, "groups": group}.items()
               if v is not None}
    updated = env.call(users.update_user, login=login, values=changes, expected_version=None, source="cli")
    if as_json:
        print_json(updated)
    else:
        out.print(_("Updated user {login}").format(login=updated.login), markup=False)


@app.command("passwd")
def passwd(ctx: typer.Context, login: str, password_stdin: bool = _STDIN) -> None:
    """Set a user's password (and lift a lock-out)."""
    env = env_of(ctx)
    password = _password(password_stdin)
    env.call(users.set_password, login=login, password=password)
    out.print(_("Password changed for {login}").format(login=login), markup=False)


@app.command("roles")
def roles(ctx: typer.Context, login: str = typer.Argument(None, help="A user: show or change the roles held."),
          add: list[str] = typer.Option(None, "--add", help="Give LOGIN a role (repeatable)."),
          remove: list[str] = typer.Option(None, "--remove", help="Take a role from LOGIN (repeatable)."),
          markdown: bool = typer.Option(False, "--markdown", help="Markdown, as in docs/permissions.md."),
          as_json: bool = JSON_OPTION) -> None:
    """Show which preset holds which permission (the built-in map); with LOGIN, the roles that user holds."""
    if login:
        held = env_of(ctx).call(role_assignments.set_user_roles, login=login, add=add or [], remove=remove or [])
        print_json(held) if as_json else out.print(", ".join(held), markup=False)
    elif add or remove:
        raise typer.BadParameter(_("--add and --remove need a LOGIN"))
    elif markdown:
        typer.echo(permission_doc.render_markdown(), nl=False)
    elif as_json:
        print_json(permission_doc.rows())
    else:
        print_table(permission_doc.rows(), [("permission", _("Permission")), ("meaning", _("Meaning")),
                    *((role.value, _(ROLE_LABELS[role])) for role in Role)])
