"""`crmterm` command line: the TUI when run bare, otherwise one command group per area (DESIGN.md §7)."""

from __future__ import annotations

import os

import typer
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from typer.core import TyperGroup

from crmterm.cli import (
    admin,
    bench,
    config,
    customer,
    db,
    inquiry,
    inquiry_work,
    notify,
    report,
    route,
    seed,
    serve,
    token,
    topic,
    user,
)
from crmterm.cli import archive as archive_cli
from crmterm.cli import kb as kb_cli
from crmterm.cli import problem as problem_cli
from crmterm.cli import script as script_cli
from crmterm.cli import sla as sla_cli
from crmterm.cli import webhook as webhook_cli
from crmterm.cli._common import Env, err
from crmterm.errors import CrmError
from crmterm.i18n import _, set_language
from crmterm.services.platform.bootstrap import missing_sqlite_file
from crmterm.settings import Settings, resolve

# Commands that only read: on a SQLite file that does not exist they say so instead of creating it (and its
# folder) and migrating an empty database. Commands that write, `db upgrade` and the TUI still create it.
READ_ONLY = {"db current", "db backup", "directory", "audit", "report", "queue", "config export",
             "customer search", "customer show", "customer tree", "customer history", "customer export-leads",
             "user list", "user show", "topic tree", "topic find", "topic form", "topic templates",
             "inquiry show", "inquiry list", "route validate", "route show", "kb search", "kb show",
             "kb export-public", "script validate", "script list", "script export", "problem list",
             "problem show", "notify list", "webhook list", "webhook log", "token list"}


class _CrmGroup(TyperGroup):
    """Domain errors become one line on stderr and exit code 1; never a traceback."""

    def invoke(self, ctx):
        ctx.meta["command"] = [*ctx._protected_args, *ctx.args]  # the words after the global options
        try:
            return super().invoke(ctx)
        except CrmError as error:
            _fail(str(error))
        except OperationalError as error:
            _fail(f"database: {str(error.orig).strip().splitlines()[0]}")
        except SQLAlchemyError as error:
            _fail(f"database: {str(error).strip().splitlines()[0]}")


def _fail(message: str, code: int = 1) -> None:
    err.print(f"error: {message}", markup=False)
    raise typer.Exit(code)


app = typer.Typer(cls=_CrmGroup, invoke_without_command=True, no_args_is_help=False, add_completion=False,
                  pretty_exceptions_enable=False, help="crmterm: contact-center CRM for the terminal.")
app.add_typer(db.app, name="db")
app.add_typer(seed.app, name="seed")
app.add_typer(config.app, name="config")
app.add_typer(user.app, name="user")
app.add_typer(customer.app, name="customer")
app.add_typer(admin.directory_app, name="directory")
app.add_typer(admin.audit_app, name="audit")
app.add_typer(topic.app, name="topic")
app.add_typer(topic.rule_app, name="rule")
app.add_typer(inquiry.contact_app, name="contact")
app.add_typer(inquiry.app, name="inquiry")
app.add_typer(inquiry_work.queue_app, name="queue")
app.add_typer(route.app, name="route")
app.add_typer(report.app, name="report")
app.add_typer(notify.app, name="notify")
app.add_typer(sla_cli.app, name="sla")
app.command("bench")(bench.bench)
app.add_typer(problem_cli.app, name="problem")
app.command("archive")(archive_cli.archive)
app.add_typer(script_cli.app, name="script")
app.add_typer(kb_cli.app, name="kb")
app.add_typer(webhook_cli.app, name="webhook")
app.add_typer(token.app, name="token")
app.command("serve")(serve.serve)


@app.callback()
def main(
    ctx: typer.Context,
    database: str = typer.Option(None, "--db", help="Database URL (else CRMTERM_DATABASE_URL, else SQLite)."),
    lang: str = typer.Option(None, "--lang", help="Language: en or ru."),
    login: str = typer.Option(None, "--user", help="Act as this user (else CRMTERM_USER); password from "
                                                   "CRMTERM_PASSWORD or a prompt."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document (commands that have --json)."),
) -> None:
    """Run without a command to open the terminal UI."""
    try:
        settings = resolve(db=database, lang=lang, user=login)
    except CrmError as error:
        _fail(str(error))
    set_language(settings.language)
    if settings.user is not None and not settings.user.strip():
        # An empty --user or CRMTERM_USER= is a mistake, never "no user": the password-less system account is
        # only for the schema owner's connection without any user named (cli/_common.Env.actor).
        _fail(_("an empty login: give --user LOGIN, or leave --user and CRMTERM_USER unset"), code=2)
    _refuse_reading_nothing(ctx, settings)
    if as_json:
        _require_json_output(ctx)
    ctx.obj = Env(settings, language_given=bool(lang or os.environ.get("CRMTERM_LANG")))
    if ctx.invoked_subcommand is None:
        from crmterm.cli.tui import run_tui  # Textual is loaded only for the TUI

        run_tui(ctx.obj)


def _refuse_reading_nothing(ctx: typer.Context, settings: Settings) -> None:
    words = [w for w in ctx.meta.get("command", []) if not w.startswith("-")][:2]
    if "--help" in ctx.meta.get("command", []) or not ({" ".join(words[:1]), " ".join(words)} & READ_ONLY):
        return
    try:
        path = missing_sqlite_file(settings.database_url)
    except CrmError as error:
        _fail(str(error))
    if path is not None:
        _fail(_("no database at {path}: nothing to read (crmterm creates it on its first run, or run "
                "`crmterm db upgrade`)").format(path=path))


def _require_json_output(ctx: typer.Context) -> None:
    """The global --json on a command without JSON output is a usage error, not text where JSON was asked."""
    command, words = ctx.command, [w for w in ctx.meta.get("command", []) if not w.startswith("-")]
    for word in words[:2]:
        found = command.get_command(ctx, word) if isinstance(command, TyperGroup) else None
        if found is None:
            break
        command = found
    if command is ctx.command or isinstance(command, TyperGroup):
        return  # no command (the TUI) or an incomplete one: Click reports that itself
    if not any(param.name == "as_json" for param in command.params):
        err.print("error: " + _("{command} has no JSON output").format(command=" ".join(words[:2])), markup=False)
        raise typer.Exit(2)
