"""What every command shares: the resolved environment, the actor, output as JSON or a table."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table
from sqlmodel import Session

from crmterm import input_files
from crmterm.errors import ConfigError
from crmterm.i18n import _, set_language
from crmterm.services.accounts import auth, db_login_auth, preferences
from crmterm.services.accounts.permissions import SYSTEM, Actor
from crmterm.services.platform.bootstrap import ensure_database
from crmterm.services.platform.schema import owns_schema
from crmterm.services.platform.transactions import in_transaction, unit_of_work
from crmterm.settings import Settings
from crmterm.text import visible

T = TypeVar("T")

def _global_json(ctx: typer.Context, value: bool) -> bool:
    """`crmterm --json COMMAND` means the same as `crmterm COMMAND --json`."""
    return value or bool(ctx.find_root().params.get("as_json"))


JSON_OPTION = typer.Option(False, "--json", callback=_global_json, help="Print one JSON document to stdout.")


class _LiteralConsole(Console):
    """Strings printed are user data as often as not: control characters are shown as symbols (text
    .visible), so a note holding an escape sequence cannot clear or retitle the user's terminal. Callers pass
    markup=False (or escape) for the markup side."""

    def print(self, *objects: Any, **options: Any) -> None:
        super().print(*(visible(o) if isinstance(o, str) else o for o in objects), **options)


out = _LiteralConsole(highlight=False, soft_wrap=True)
err = _LiteralConsole(stderr=True, highlight=False, soft_wrap=True)


@dataclass
class Env:
    settings: Settings
    language_given: bool = False  # --lang (or CRMTERM_LANG) wins over the user's own preference
    _actor: Actor | None = field(default=None, repr=False)
    _ready: bool = False

    def _prepare(self) -> None:
        if not self._ready:
            ensure_database(self.settings.database_url)
            self._ready = True

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        self._prepare()
        with unit_of_work(self.settings.database_url) as session:
            yield session

    def call(self, service, /, **kwargs: Any):
        """`service(session=…, actor=…, **kwargs)` in one transaction, as the acting user (re-run if SQLite
        was busy)."""
        actor = self.actor
        self._prepare()
        return in_transaction(self.settings.database_url,
                              lambda session: service(session=session, actor=actor, **kwargs))

    def run(self, work: Callable[[Session, Actor], T]) -> T:
        """`work(session, actor)` in one transaction as the acting user, re-run whole if SQLite was busy (so
        `work` must not prompt or print: everything it does may happen twice, the first try rolled back)."""
        actor = self.actor
        self._prepare()
        return in_transaction(self.settings.database_url, lambda session: work(session, actor))

    @property
    def actor(self) -> Actor:
        """The --user (authenticated once) or, for the schema owner's connection only, the local system
        account (an application role's connection must name a user)."""
        if self._actor is None:
            login = self.settings.user
            self._actor = self._login(login) if login is not None else self._system()
            if login is not None and not self.language_given:
                self._use_preferred_language(self._actor)
        return self._actor

    def _use_preferred_language(self, actor: Actor) -> None:
        """The user's own language (F2 in the TUI, stored per user) for this command's messages."""
        language = in_transaction(self.settings.database_url, lambda session: preferences.preferred_language(
            session=session, actor=actor))
        if language and language != self.settings.language:
            set_language(language)
            self.settings = self.settings.with_language(language)

    def _system(self) -> Actor:
        if not owns_schema(self.settings.database_url):
            raise ConfigError(_("this database connection does not own the crmterm schema: give --user LOGIN "
                                "(or CRMTERM_USER)"))
        return SYSTEM

    def _login(self, login: str) -> Actor:
        password = self.settings.password
        if password is None:
            if not sys.stdin.isatty():
                raise ConfigError(_("set CRMTERM_PASSWORD or run in a terminal to be asked for the password"))
            password = typer.prompt(_("Password"), hide_input=True)
        if db_login_auth.applies(self.settings):  # the database checks the password (per-user logins)
            self.settings, actor = db_login_auth.log_in(self.settings, login, password)
            return actor
        self._prepare()
        return auth.authenticate(url=self.settings.database_url, login=login, password=password,
                                 max_attempts=self.settings.lockout_attempts,
                                 lockout_seconds=self.settings.lockout_seconds)


def env_of(ctx: typer.Context) -> Env:
    return ctx.find_root().obj


def entry_names(ctx: typer.Context, kind: str) -> dict[str, str]:
    """A directory kind's codes → names in the user's language, for lines a person reads (--json keeps the
    codes); empty when the actor may not read the directory (the codes are shown then)."""
    from crmterm.errors import CrmError
    from crmterm.services.directory import directory

    try:
        return {e.key: e.label for e in env_of(ctx).call(directory.list_entries, kind=kind)}
    except CrmError:
        return {}


def input_path(ctx: typer.Context, file: str | Path, *, limited: bool = True) -> Path:
    """A file the command reads: a regular file (never a device or FIFO), within `input_max_mb` unless
    `limited` is False (a database backup is as large as its database). Checked before a service opens it."""
    return input_files.check_file(file, env_of(ctx).settings.input_max_bytes if limited else None)


def read_input(ctx: typer.Context, file: str | Path) -> str:
    """The text of FILE, or of standard input for `-`, within `input_max_mb`."""
    return input_files.read_text(file, env_of(ctx).settings.input_max_bytes)


def to_data(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [to_data(v) for v in value]
    if isinstance(value, dict):
        return {k: to_data(v) for k, v in value.items()}
    return value


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(to_data(value), ensure_ascii=False, indent=2, default=str) + "\n")


def print_table(rows: list[dict], columns: list[tuple[str, str]], *, title: str | None = None) -> None:
    """`columns`: (key in row, header). Values are shown literally (no Rich markup from data)."""
    table = Table(title=title, show_lines=False)
    for _key, header in columns:
        table.add_column(header)
    for row in rows:
        table.add_row(*(_cell(row.get(key)) for key, _h in columns))
    out.print(table)


def _cell(value: Any) -> str:
    from rich.markup import escape

    if isinstance(value, list):
        value = ", ".join(map(str, value))
    elif isinstance(value, bool):
        value = "✓" if value else "—"
    return escape(visible(value))


MAX_SECRET = 4096


def read_secret_stdin() -> str:
    try:
        secret = sys.stdin.readline(MAX_SECRET + 1).rstrip("\n")  # bounded: stdin may be /dev/zero
    except UnicodeDecodeError:
        raise ConfigError(_("the password on standard input is not UTF-8 text")) from None
    if len(secret) > MAX_SECRET:
        raise ConfigError(_("the password is longer than {n} characters").format(n=MAX_SECRET))
    if not secret:
        raise ConfigError(_("no password on standard input"))
    return secret


def parse_json(text: str, field: str | None, source: str = "") -> Any:
    """JSON from a file, an option or stdin (`source` names the file); broken or too deeply nested JSON is
    a ValidationError."""
    from crmterm.errors import ValidationError

    where = f"{source}:" if source else ""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationError(field, f"{where}{error.lineno}:{error.colno}: {error.msg}") from None
    except RecursionError:
        raise ValidationError(field, (f"{source}: " if source else "") + _("JSON nested too deeply")) from None
    except ValueError:  # a number of more than 4300 digits (Python's int conversion limit)
        raise ValidationError(field, (f"{source}: " if source else "") + _("a number has too many digits")) from None
