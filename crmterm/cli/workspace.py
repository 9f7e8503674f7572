"""`crmterm workspace show | set | reset`: one's own TUI layout — main tabs, list columns, the customer card's tab
order and the Dashboard's tiles (services/accounts/workspace). Admins may show or reset another user's."""

from __future__ import annotations

import typer

from crmterm.cli._common import JSON_OPTION, env_of, out, print_json
from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.accounts import workspace

app = typer.Typer(help="Your own workspace: tabs, list columns, card tabs, dashboard tiles.", no_args_is_help=True)
_WHOSE = typer.Option(None, "--user", help="Another user's workspace (show: users.read; reset: users.write).")


def _ids(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _print(found: workspace.WorkspaceRead, as_json: bool) -> None:
    if as_json:
        print_json(found)
        return
    layout = found.layout
    lines = [_("Workspace of {login}{default}").format(
        login=found.login, default="" if found.customised else " (" + _("default") + ")"),
        _("Tabs: {ids}").format(ids=", ".join(layout.tabs)),
        _("Hidden tabs: {ids}").format(ids=", ".join(layout.hidden_tabs) or "—"),
        _("Card tabs: {ids}").format(ids=", ".join(layout.card_tabs)),
        _("Tiles: {ids}").format(ids=", ".join(layout.tiles) or "—")]
    lines += [_("Columns of {list}: {ids}").format(list=name, ids=", ".join(shown))
              for name, shown in layout.columns.items()]
    out.print("\n".join(lines), markup=False)


@app.command("show")
def show(ctx: typer.Context, user: str | None = _WHOSE, as_json: bool = JSON_OPTION) -> None:
    """The layout in use (the default until one is saved)."""
    _print(env_of(ctx).call(workspace.get_workspace, login=user), as_json)


def _columns(given: list[str]) -> dict[str, list[str]]:
    columns = {}
    for item in given:
        name, sep, ids = item.partition("=")
        if not sep:
            raise ValidationError("--columns", _("give LIST=COLUMN,COLUMN… (e.g. queue=id,topic,customer)"))
        columns[name.strip()] = _ids(ids)
    return columns


@app.command("set")
def set_(ctx: typer.Context,
         tabs: str | None = typer.Option(None, "--tabs", help="Shown main tabs in order, e.g. queues,customers,home."),
         columns: list[str] = typer.Option([], "--columns", help="LIST=COLUMN,… (lists: queue, customers, work)."),
         card_tabs: str | None = typer.Option(None, "--card-tabs", help="The customer card's tabs in order."),
         tiles: str | None = typer.Option(None, "--tiles", help="Dashboard tiles in order (empty: none)."),
         as_json: bool = JSON_OPTION) -> None:
    """Change your own layout: only the parts given change."""
    env = env_of(ctx)
    layout = env.call(workspace.get_workspace).layout.model_dump()
    if tabs is not None:  # exactly these: the others hidden, also those the user may see one day
        layout["tabs"] = _ids(tabs)
        layout["hidden_tabs"] = [tab for tab in workspace.TABS if tab not in layout["tabs"]]
    layout["columns"] |= _columns(columns)
    if card_tabs is not None:
        layout["card_tabs"] = _ids(card_tabs)
    if tiles is not None:
        layout["tiles"] = _ids(tiles)
    _print(env.call(workspace.set_workspace, layout=layout), as_json)


@app.command("reset")
def reset(ctx: typer.Context, user: str | None = _WHOSE, as_json: bool = JSON_OPTION) -> None:
    """Back to the default layout."""
    found = env_of(ctx).call(workspace.reset_workspace, login=user)
    print_json(found) if as_json else out.print(_("Workspace of {login} reset to the default").format(
        login=found.login), markup=False)
