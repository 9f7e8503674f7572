"""`crmterm` command line: the TUI when run bare, otherwise one command group per area (DESIGN.md §7)."""

from __future__ import annotations

import os
import sys

import typer
from typer.core import TyperGroup

from crmterm.cli.lazy import Lazy, LazyGroup
from crmterm.errors import CrmError
from crmterm.i18n import _, set_language
from crmterm.settings import Settings, resolve
from crmterm.text import visible

# Commands that only read: on a SQLite file that does not exist they say so instead of creating it (and its
# folder) and migrating an empty database. Commands that write, `db upgrade` and the TUI still create it.
READ_ONLY = {"db current", "db backup", "directory", "audit", "report", "queue", "config export",
             "customer search", "customer show", "customer tree", "customer history",
             "user list", "user show", "role list", "role show", "note list", "note search", "topic tree",
             "topic find", "topic form", "topic templates",
             "inquiry show", "inquiry list", "route validate", "route show", "kb search", "kb show",
             "kb export-public", "script validate", "script list", "script export", "problem list",
             "problem show", "notify list", "mail list", "webhook list", "webhook log", "token list",
             "response list", "response show", "callback list", "task list", "work", "filter list", "filter show",
             "billing show", "blacklist list",
             "collections promises", "collections aging",
             "asset list", "asset find", "asset show", "asset warranties", "service-contract list",
             "service-contract show", "service-contract entitlement"}

# Every command: where it lives and the line `crmterm --help` shows (tests/test_cli_lazy.py checks each line
# against the command's own help). A module is imported only when its command runs (cli/lazy.py says why).
COMMANDS = {
    "bench": Lazy("crmterm.cli.bench:bench", "Build (or reuse) a synthetic data set, then measure search, card, "
                  "registration, take-next, queue pages, the monthly topic count, import, and the TUI's start "
                  "and memory — with raw-SQL baselines."),
    "archive": Lazy("crmterm.cli.archive:archive", "Move inquiries finished long ago to the archive (they stay "
                    "readable: `inquiry show`, `inquiry list --archived`)."),
    "serve": Lazy("crmterm.cli.serve:serve", "Serve the HTTP API (OpenAPI at /docs, /health) until interrupted."),
    "db": Lazy("crmterm.cli.db:app", "Database schema."),
    "seed": Lazy("crmterm.cli.seed:app", "Load data sets."),
    "config": Lazy("crmterm.cli.config:app", "All admin configuration as YAML (config as code)."),
    "user": Lazy("crmterm.cli.user:app", "User accounts."),
    "note": Lazy("crmterm.cli.note:app", "Notes on customers, subscribers, contact persons, contracts and "
                  "inquiries."),
    "role": Lazy("crmterm.cli.role:app", "Roles: named sets of permissions, given to users and user groups."),
    "billing": Lazy("crmterm.cli.billing:app", "Billing: balance, credit limit, services, invoices and payments "
                    "read from the billing system."),
    "blacklist": Lazy("crmterm.cli.billing:blacklist_app", "Blacklists: customers, phone numbers and documents "
                      "flagged for fraud or non-payment."),
    "collections": Lazy("crmterm.cli.collections:app", "Collections: receivables from billing, the dunning scan, "
                        "promised payments."),
    # customer_leads adds the lead export commands to customer's app: importing it loads both
    "customer": Lazy("crmterm.cli.customer_leads:app", "Customers: parties, structures, contracts, subscribers."),
    "directory": Lazy("crmterm.cli.admin:directory_app", "Directory: channels, places, dictionaries, priorities, …"),
    "audit": Lazy("crmterm.cli.admin:audit_app", "Audit log of admin changes."),
    "topic": Lazy("crmterm.cli.topic:app", "Topics: the tree, numeric codes, attribute forms, templates."),
    "rule": Lazy("crmterm.cli.topic:rule_app", "CEL rules."),
    "listquery": Lazy("crmterm.cli.listquery:app", "Query lists: admin-defined lists that fill query attributes."),
    "contact": Lazy("crmterm.cli.inquiry:contact_app", "Contacts with the customer and the inquiries raised in them."),
    # inquiry_work adds the working commands (list, take, move, …) to inquiry's app: importing it loads both
    "inquiry": Lazy("crmterm.cli.inquiry_work:app", "Inquiries: create, show, comment, attach files, events from other "
                    "systems."),
    "queue": Lazy("crmterm.cli.inquiry_work:queue_app", "Queues: the ones you work, with counts."),
    "filter": Lazy("crmterm.cli.filter:app", "Saved inquiry filters: list, show, save, edit, delete, apply a group "
                   "operation."),
    "skill": Lazy("crmterm.cli.skill:app", "Agents' skills with levels (skills routing)."),
    "route": Lazy("crmterm.cli.route:app", "Routes: validate a route file, show a route with its revisions."),
    "report": Lazy("crmterm.cli.report:app", "Reports: inquiries by topic and by operator, repeat inquiries, "
                   "deadlines, saved filters."),
    "notify": Lazy("crmterm.cli.notify:app", "Notifications: deliver queued e-mail, list the outbox, retry failed "
                   "messages."),
    "mail": Lazy("crmterm.cli.mail:app", "E-mail: take in the mailbox as contacts and inquiries, list the mail "
                 "taken in."),
    "sla": Lazy("crmterm.cli.sla:app", "SLA monitoring: warnings, breaches and escalations."),
    "problem": Lazy("crmterm.cli.problem:app", "System problems: mass incidents that many inquiries link to and "
                    "close with."),
    "script": Lazy("crmterm.cli.script:app", "Branching scripts: validate, list, publish, import, export, run."),
    "kb": Lazy("crmterm.cli.kb:app", "Knowledge base: search, read, import, publish, approve."),
    "response": Lazy("crmterm.cli.response:app", "Response library: canned answers per topic and language."),
    "webhook": Lazy("crmterm.cli.webhook:app", "Webhooks: subscribe URLs to events, deliver them, read the delivery "
                    "log."),
    "token": Lazy("crmterm.cli.token:app", "API tokens for `crmterm serve`."),
    "callback": Lazy("crmterm.cli.work:callback_app", "Callbacks: calls promised to customers in a time window."),
    "task": Lazy("crmterm.cli.work:task_app", "Tasks: to-dos for an agent or a queue."),
    "work": Lazy("crmterm.cli.work:work", "My work: held inquiries, mail awaiting a reply, due callbacks and open "
                 "tasks, most urgent first."),
    "workspace": Lazy("crmterm.cli.workspace:app", "Your own workspace: tabs, list columns, card tabs, dashboard "
                      "tiles."),
    "product": Lazy("crmterm.cli.sales:product_app", "Sales catalogue: products, services, tariffs, options, "
                    "devices and bundles."),
    "pricelist": Lazy("crmterm.cli.sales:pricelist_app", "Price lists per client category and period."),
    "quote": Lazy("crmterm.cli.sales_quote:app", "Quotes: configured, priced items for a customer; revisions, "
                  "e-mail, export."),
    "opportunity": Lazy("crmterm.cli.sales_opportunity:app", "Opportunities: the sales pipeline by stage."),
    "activity": Lazy("crmterm.cli.sales_activity:app", "Sales activities: calls, meetings and tasks on a calendar."),
    "portal": Lazy("crmterm.cli.portal:app", "Customer portal: topics and functions it offers, customers' ratings."),
    "order": Lazy("crmterm.cli.sales_order:app", "Orders: accepted quotes handled along their route."),
    "workorder": Lazy("crmterm.cli.workorder:app", "Work orders: field visits raised from inquiries, dispatched to "
                      "technicians."),
    "technician": Lazy("crmterm.cli.workorder:technician_app", "Technicians: skills, region and working calendar."),
    "payment": Lazy("crmterm.cli.payment:app", "Payments: a payer's payment distributed over its contracts."),
    "asset": Lazy("crmterm.cli.service:app", "Installed base: equipment at customers, found by serial number; "
                  "warranty lengths per model."),
    "service-contract": Lazy("crmterm.cli.service:contract_app", "Service contracts: coverage, response and "
                             "resolution targets, validity; entitlement."),
    "churn": Lazy("crmterm.cli.churn:app", "Churn risk: train and evaluate the model, score customers, show a "
                  "customer's risk with its reasons."),
    # retention (issue 29 items 4-6)
    "campaign": Lazy("crmterm.cli.campaign:app", "Outbound campaigns: call lists, attempts and their results."),
    "survey": Lazy("crmterm.cli.survey:app", "Satisfaction surveys: ratings of closed inquiries (CSAT, NPS)."),
    "loyalty": Lazy("crmterm.cli.loyalty:app", "Loyalty tiers mapped to client categories."),
    # offline work (issue 30)
    "sync": Lazy("crmterm.cli.sync:app", "Offline work: synchronise this database with the central server."),
}


class _CrmGroup(LazyGroup):
    """Domain errors become one line on stderr and exit code 1; never a traceback."""

    lazy = COMMANDS

    def invoke(self, ctx):
        ctx.meta["command"] = [*ctx._protected_args, *ctx.args]  # the words after the global options
        try:
            return super().invoke(ctx)
        except CrmError as error:
            _fail(str(error))
        except Exception as error:
            message = _database_failure(error)
            if message is None:
                raise
            _fail(message)


def _database_failure(error: Exception) -> str | None:
    """The line for a database error, or None for any other error. SQLAlchemy is looked up, not imported: a
    command that never loaded it cannot have raised its errors, and importing it costs every command 0.3 s."""
    exc = sys.modules.get("sqlalchemy.exc")
    if exc is None or not isinstance(error, exc.SQLAlchemyError):
        return None
    if isinstance(error, exc.OperationalError):
        return f"database: {str(error.orig).strip().splitlines()[0]}"
    return f"database: {str(error).strip().splitlines()[0]}"


def _fail(message: str, code: int = 1) -> None:
    # Written as cli._common's `err` console does (control characters shown as symbols), without importing
    # that module and every service behind it.
    typer.echo(f"error: {visible(message)}", err=True)
    raise typer.Exit(code)


app = typer.Typer(cls=_CrmGroup, invoke_without_command=True, no_args_is_help=False, add_completion=False,
                  pretty_exceptions_enable=False, help="crmterm: contact-center CRM for the terminal.")


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
    from crmterm.cli._common import Env  # every service behind it: loaded once a command runs

    ctx.obj = Env(settings, language_given=bool(lang or os.environ.get("CRMTERM_LANG")))
    if ctx.invoked_subcommand is None:
        from crmterm.cli.tui import run_tui  # Textual is loaded only for the TUI

        run_tui(ctx.obj)


def _refuse_reading_nothing(ctx: typer.Context, settings: Settings) -> None:
    words = [w for w in ctx.meta.get("command", []) if not w.startswith("-")][:2]
    if "--help" in ctx.meta.get("command", []) or not ({" ".join(words[:1]), " ".join(words)} & READ_ONLY):
        return
    from crmterm.services.platform.bootstrap import missing_sqlite_file

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
        _fail(_("{command} has no JSON output").format(command=" ".join(words[:2])), code=2)
