"""`crmterm sync`: a laptop's database as a node of the central server (services/sync). `sync init` fills an
empty database with what the token's user needs; `sync` pushes what was done offline and pulls what changed
(`--loop SECONDS`: again and again, riding out a lost connection); `sync status`, `sync log`; `sync conflicts`
lists what a sync could not apply and `sync resolve` decides one (the services of the TUI's conflict screen)."""

from __future__ import annotations

import time
from dataclasses import asdict

import typer

from crmterm.cli._common import JSON_OPTION, env_of, err, out, print_json, print_table
from crmterm.errors import CrmError, ValidationError
from crmterm.i18n import _
from crmterm.services.sync import client, resolve, status, sync_views
from crmterm.services.sync.node import SyncResult, SyncUnreachable
from crmterm.services.sync.status import ConflictView

app = typer.Typer(invoke_without_command=True, no_args_is_help=False,
                  help="Offline work: synchronise this database with the central server.")


def _summary(result: SyncResult) -> str:
    line = _("pushed {pushed}, pulled {pulled}, conflicts {conflicts}, refused {refused}; "
             "{up} bytes up, {down} bytes down").format(
        pushed=result.pushed, pulled=result.pulled, conflicts=result.conflicts, refused=result.refused,
        up=result.bytes_up, down=result.bytes_down)
    numbers = ", ".join(f"{ref} → {number}" for ref, number in result.numbered)
    return line + (_("; registered: {numbers}").format(numbers=numbers) if numbers else "")


def _show(result: SyncResult, as_json: bool) -> None:
    if as_json:
        print_json(asdict(result))
    else:
        out.print(_summary(result), markup=False)


@app.callback()
def sync(ctx: typer.Context, loop: float = typer.Option(None, "--loop", min=1, metavar="SECONDS",
                                                         help="Synchronise every SECONDS until interrupted."),
         as_json: bool = JSON_OPTION) -> None:
    """Push local changes, then pull the server's (once, or every SECONDS with --loop)."""
    if ctx.invoked_subcommand is not None:
        return
    url = env_of(ctx).settings.database_url
    with env_of(ctx).unit_of_work():
        pass  # migrated before the first sync
    if loop is None:
        _show(client.sync_once(url), as_json)
        return
    try:
        while True:
            try:
                _show(client.sync_once(url), as_json)
            except SyncUnreachable as error:  # logged in sync_run and the node marked offline: try again later
                err.print(_("offline: {error}").format(error=error), markup=False)
            except CrmError as error:
                err.print(f"error: {error}", markup=False)
            time.sleep(loop)
    except KeyboardInterrupt:
        return


@app.command("init")
def init(ctx: typer.Context, server: str = typer.Option(..., "--server", help="The API's URL (crmterm serve)."),
         token: str = typer.Option(..., "--token", help="Your API token (crmterm token create)."),
         scope: str = typer.Option("mine", "--scope", help="mine: your customers and work; territory: your "
                                                             "queues' too; all: every customer you may read."),
         limit: int = typer.Option(20_000, "--limit", min=1, help="At most this many customers."),
         as_json: bool = JSON_OPTION) -> None:
    """Make this (empty) database a node of the server and fill it with what you need offline."""
    from rich.progress import BarColumn, Progress, TextColumn

    env = env_of(ctx)
    with env.unit_of_work():
        pass  # create and migrate the file first
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed} rows"),
                  console=err, transient=True, disable=as_json or not err.is_terminal) as bar:
        task = bar.add_task(_("pulling"), total=None)
        result = client.init(env.settings.database_url, server_url=server, token=token, scope=scope,
                             row_limit=limit, progress=lambda n: bar.advance(task, n))
    _show(result, as_json)
    if not as_json:  # passwords never leave the server: the laptop's login gets its own
        with env.unit_of_work() as session:
            login = status.sync_status(session).user
        out.print(_("To log in on this laptop, set your password here: crmterm user passwd {login}")
                  .format(login=login), markup=False)


@app.command("status")
def show_status(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """Online or not, changes waiting to be pushed, open conflicts, the last sync."""
    with env_of(ctx).unit_of_work() as session:
        state = status.sync_status(session)
    if as_json:
        print_json(asdict(state))
        return
    if not state.configured:
        out.print(_("not a node (run `crmterm sync init`)"), markup=False)
        return
    online = {True: _("online"), False: _("offline"), None: _("never synchronised")}[state.online]
    out.print(_("{server} as {user}: {online}; pending: {pending}, conflicts: {conflicts}; last sync {at}").format(
        server=state.server_url, user=state.user, online=online, pending=state.pending, conflicts=state.conflicts,
        at=state.last_sync_at.isoformat(timespec="seconds") if state.last_sync_at else "—"), markup=False)
    if state.last_error:
        out.print(_("last error: {error}").format(error=state.last_error), markup=False)


@app.command("log")
def log(ctx: typer.Context, limit: int = typer.Option(20, "--limit", min=1, max=1000),
        as_json: bool = JSON_OPTION) -> None:
    """The last synchronisations: when, how much each way, conflicts, errors."""
    with env_of(ctx).unit_of_work() as session:
        runs = status.sync_log(session, limit=limit)
    if as_json:
        print_json([asdict(run) for run in runs])
        return
    rows = [{"started": r.started_at.isoformat(timespec="seconds"), "pushed": r.pushed, "pulled": r.pulled,
             "conflicts": r.conflicts, "refused": r.refused, "up": r.bytes_up, "down": r.bytes_down,
             "error": r.error or ""} for r in runs]
    print_table(rows, [("started", _("Started")), ("pushed", _("Pushed")), ("pulled", _("Pulled")),
                       ("conflicts", _("Conflicts")), ("refused", _("Refused")), ("up", _("Bytes up")),
                       ("down", _("Bytes down")), ("error", _("Error"))])


def _shown(value: object) -> str:
    return "—" if value is None else str(value)


def _conflict_row(c: ConflictView) -> dict[str, object]:
    if c.kind != "field":  # a refused action: what was refused, and the server's reason
        return {"id": c.id, "what": c.label, "field": _("{action} (refused)").format(action=c.field or "?"),
                "ours": "", "theirs": c.message, "base": ""}
    return {"id": c.id, "what": c.label, "field": c.field, "ours": _shown(c.ours), "theirs": _shown(c.theirs),
            "base": _shown(c.base)}


@app.command("conflicts")
def conflicts(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """What the last syncs could not apply: a field changed on both sides, or an action the server refused."""
    found = env_of(ctx).call(sync_views.open_conflicts)
    if as_json:
        print_json([asdict(c) for c in found])
        return
    if not found:
        out.print(_("No conflicts: everything this laptop changed has reached the server."), markup=False)
        return
    print_table([_conflict_row(c) for c in found], [
        ("id", _("#")), ("what", _("What")), ("field", _("Field")), ("ours", _("Ours")), ("theirs", _("Theirs")),
        ("base", _("Base"))])


@app.command("resolve")
def resolve_one(ctx: typer.Context, conflict_id: int = typer.Argument(..., metavar="ID"),
                ours: bool = typer.Option(False, "--ours", help="Keep this laptop's value (sent at the next sync)."),
                theirs: bool = typer.Option(False, "--theirs", help="Take the server's value; acknowledge a refusal."),
                value: str = typer.Option(None, "--value", metavar="V", help="Put this value instead of either."),
                as_json: bool = JSON_OPTION) -> None:
    """Decide a conflict: --ours, --theirs or --value V (checked like the field)."""
    if ours + theirs + (value is not None) != 1:
        raise ValidationError("choice", _("give exactly one of --ours, --theirs, --value"))
    choice = "ours" if ours else "theirs" if theirs else "edit"
    done = env_of(ctx).call(resolve.resolve_conflict, conflict_id=conflict_id, choice=choice, value=value,
                            source="cli")
    if as_json:
        print_json(asdict(done))
        return
    out.print(_("Conflict {id} resolved ({choice}): {what} · {field}").format(
        id=done.id, choice=done.resolution, what=done.label, field=done.field or ""), markup=False)
