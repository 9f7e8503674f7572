"""`crmterm role list | show | add | set | remove | group`: roles as sets of permissions (issue 31, item 2)."""

from __future__ import annotations

import typer

from crmterm.cli._common import JSON_OPTION, env_of, out, print_json, print_table
from crmterm.i18n import _, pick
from crmterm.services.accounts import role_assignments, roles

app = typer.Typer(help="Roles: named sets of permissions, given to users and user groups.", no_args_is_help=True)

_PERMISSION = typer.Option(None, "--permission", "-p", help="A permission (repeatable; see `user roles`).")
_QUEUE = typer.Option(None, "--queue", help="Limit inquiries.supervise to this queue (repeatable).")


def _labels(name_en: str | None, name_ru: str | None) -> dict[str, str]:
    return {lang: text for lang, text in (("en", name_en), ("ru", name_ru)) if text}


def _shown(role: roles.RoleRead, as_json: bool) -> None:
    if as_json:
        print_json(role)
        return
    for key, value in role.model_dump().items():
        shown = ", ".join(value) if isinstance(value, list) else value
        out.print(f"{key}: {shown}", markup=False)


@app.command("list")
def list_(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """List roles: the presets first, with their holders."""
    found = env_of(ctx).call(roles.list_roles)
    if as_json:
        print_json(found)
        return
    rows = [{"code": r.code, "name": pick(r.labels) or r.code, "preset": r.preset,
             "permissions": len(r.permissions), "level": r.database_level,
             "holders": ", ".join([*r.users, *(f"@{g}" for g in r.groups)])} for r in found]
    print_table(rows, [("code", _("Code")), ("name", _("Name")), ("preset", _("Preset")),
                       ("permissions", _("Permissions")), ("level", _("Database level")), ("holders", _("Held by"))])


@app.command("show")
def show(ctx: typer.Context, code: str, as_json: bool = JSON_OPTION) -> None:
    """Show one role: its permissions, queues and holders."""
    _shown(env_of(ctx).call(roles.get_role, code=code), as_json)


@app.command("add")
def add(ctx: typer.Context, code: str, permission: list[str] = _PERMISSION, queue: list[str] = _QUEUE,
        name: str = typer.Option(None, "--name", help="Name in English."),
        name_ru: str = typer.Option(None, "--name-ru", help="Name in Russian."), as_json: bool = JSON_OPTION) -> None:
    """Define a role CODE holding the permissions given."""
    values = {"code": code, "labels": _labels(name, name_ru), "permissions": permission or [], "queues": queue or []}
    _shown(env_of(ctx).call(roles.add_role, values=values), as_json)


@app.command("set")
def set_(ctx: typer.Context, code: str, permission: list[str] = _PERMISSION, queue: list[str] = _QUEUE,
         grant: list[str] = typer.Option(None, "--grant", help="Add a permission (repeatable)."),
         revoke: list[str] = typer.Option(None, "--revoke", help="Take a permission away (repeatable)."),
         name: str = typer.Option(None, "--name"), name_ru: str = typer.Option(None, "--name-ru"),
         as_json: bool = JSON_OPTION) -> None:
    """Change a role (presets too): --permission replaces the set, --grant/--revoke change it."""
    env = env_of(ctx)
    current = env.call(roles.get_role, code=code)
    held = set(permission) if permission else set(current.permissions)
    values: dict = {"permissions": sorted((held | set(grant or [])) - set(revoke or []))}
    if queue:
        values["queues"] = queue
    if name or name_ru:
        values["labels"] = {**current.labels, **_labels(name, name_ru)}
    _shown(env.call(roles.update_role, code=code, values=values, expected_version=current.version), as_json)


@app.command("remove")
def remove(ctx: typer.Context, code: str) -> None:
    """Remove a role nobody holds (presets stay)."""
    env_of(ctx).call(roles.remove_role, code=code)
    out.print(_("Removed role {code}").format(code=code), markup=False)


@app.command("group")
def group(ctx: typer.Context, group_code: str, add: list[str] = typer.Option(None, "--add"),
          remove: list[str] = typer.Option(None, "--remove"), as_json: bool = JSON_OPTION) -> None:
    """Give (--add) or take (--remove) roles every member of a user group holds; shows the group's roles."""
    held = env_of(ctx).call(role_assignments.set_group_roles, group=group_code, add=add or [], remove=remove or [])
    print_json(held) if as_json else out.print(", ".join(held) or "-", markup=False)
