"""Resolved settings: command-line flags win over environment variables, which win over the config file."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields, replace
from functools import cache
from pathlib import Path
from typing import Any

from crmterm.errors import ConfigError
from crmterm.locations import Locations, locations

LANGUAGES = ("en", "ru")
DEFAULT_LANGUAGE = "en"
TEXT_MAX_CHARS = 1_000_000  # a text or JSON column without a declared length holds at most this many characters
BUSY_WAIT_SECONDS = 30.0  # how long a transaction waits for a busy SQLite database or PostgreSQL lock, at most


@dataclass(frozen=True)
class MailSettings:
    """Outgoing e-mail (SMTP) and the notification retry policy. The password is never shown or logged."""

    host: str = "localhost"
    port: int = 25
    starttls: bool = False
    ssl: bool = False  # SMTP over TLS from the first byte (usually port 465)
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str = "crmterm@localhost"
    timeout: int = 10  # seconds per SMTP operation
    max_attempts: int = 8  # then the notification is failed (visible with `crmterm notify list --state failed`)
    backoff_seconds: int = 60  # first retry; doubles on every failure…
    backoff_max_seconds: int = 3600  # …up to this


@dataclass(frozen=True)
class MailboxSettings:
    """The mailbox `crmterm mail fetch` reads (`mailbox:` in config.yaml, each key overridden by
    CRMTERM_MAILBOX_<KEY>): a Maildir folder, or an IMAP server (TLS from the first byte unless `starttls`;
    no TLS at all only with `plain: true`, for a local test server). The password is never shown or logged."""

    maildir: str | None = None
    imap_host: str | None = None
    imap_port: int = 993
    starttls: bool = False  # IMAP on its plain port (143), then STARTTLS
    plain: bool = False  # no TLS at all (a server on this machine only)
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    folder: str = "INBOX"
    reopen_days: int = 14  # a reply to an inquiry closed at most this long ago reopens it
    timeout: int = 30  # seconds per IMAP operation


@dataclass(frozen=True)
class WebhookSettings:
    """Outgoing webhooks (`webhooks:` in config.yaml): how long a receiver may take, and the retry policy."""

    timeout: int = 5  # seconds for one POST (connect and answer)
    max_attempts: int = 10  # then the delivery is failed (`crmterm webhook log --failed`)
    backoff_seconds: int = 10  # wait after the first failure; doubles on every failure…
    backoff_max_seconds: int = 3600  # …up to this


@dataclass(frozen=True)
class Settings:
    database_url: str
    language: str = DEFAULT_LANGUAGE
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    lockout_attempts: int = 5
    lockout_seconds: int = 60
    repeat_days: int = 30  # same customer, same topic within this many days: a repeat inquiry
    archive_after_days: int = 365  # `crmterm archive` moves inquiries finished longer ago to the archive
    attachment_max_kb: int = 10 * 1024
    attachment_types: tuple[str, ...] | None = None  # None: services/inquiries/attachments.DEFAULT_TYPES
    where: Locations | None = None
    mail: MailSettings = field(default_factory=MailSettings)
    mailbox: MailboxSettings = field(default_factory=MailboxSettings)
    webhooks: WebhookSettings = field(default_factory=WebhookSettings)
    sla_scan_seconds: int = 60  # supervisors' TUIs run the SLA scan this often (0: never; servers use cron)
    idle_lock_minutes: float = 15  # the TUI locks after this long without a key or mouse event (0: never)
    text_max_chars: int = TEXT_MAX_CHARS  # see text_max_chars() below
    input_max_mb: int = 100  # a file (or standard input) a command reads: imports, documents, scripts, routes
    contact_max_inquiries: int = 100  # inquiries one contact may carry
    api_max_body_kb: int = 1024  # `crmterm serve` refuses larger request bodies (413) before reading them
    portal_login_attempts: int = 5  # portal log-in: code requests or failures per number before a lock…
    portal_address_attempts: int = 50  # …and per client address (higher: customers behind one NAT share it)
    busy_wait_seconds: float = BUSY_WAIT_SECONDS  # see busy_wait_seconds() below

    @property
    def input_max_bytes(self) -> int:
        return self.input_max_mb * 2**20
    per_user_db_logins: bool = False  # PostgreSQL: connect as the user's own database login (store/role_groups)

    def with_language(self, language: str) -> "Settings":
        return replace(self, language=language)

    def __repr__(self) -> str:
        """Settings end up in tracebacks and logs: the database URL's password is masked, passwords left out."""
        shown = {f.name: getattr(self, f.name) for f in fields(self) if f.repr}
        shown["database_url"] = mask_url(self.database_url)
        return f"Settings({', '.join(f'{k}={v!r}' for k, v in shown.items())})"


def mask_url(url: str) -> str:
    """The URL as it may be shown: password replaced by ***."""
    from sqlalchemy.engine import make_url  # here: SQLAlchemy costs 0.2 s that `crmterm --help` need not wait

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL is shown without its credentials part
        return re.sub(r"//[^@/]*@", "//***@", url)


def _read_config_file(path: Path) -> dict:
    if not path.is_file():
        return {}
    import yaml  # here: every command reads settings, few have a config file (start-up cost, issue 23 item 3)

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(str(getattr(exc, "problem", exc)), file=str(path),
                          line=mark.line + 1 if mark else None) from None
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping of settings", file=str(path))
    return data


def resolve(*, db: str | None = None, lang: str | None = None, user: str | None = None,
            environ: dict | None = None) -> Settings:
    env = dict(os.environ if environ is None else environ)
    where = locations(env)
    file_cfg = _read_config_file(where.config_file)
    url = db or env.get("CRMTERM_DATABASE_URL") or file_cfg.get("database_url")
    url = url or f"sqlite:///{where.database_file}"
    language = lang or env.get("CRMTERM_LANG") or file_cfg.get("language") or DEFAULT_LANGUAGE
    if language not in LANGUAGES:
        raise ConfigError(f"unsupported language '{language}' (use one of: {', '.join(LANGUAGES)})")
    return Settings(
        database_url=url,
        language=language,
        user=user if user is not None else env.get("CRMTERM_USER"),  # "" stays "": the CLI refuses it
        password=env.get("CRMTERM_PASSWORD"),
        lockout_attempts=int(file_cfg.get("lockout_attempts", 5)),
        lockout_seconds=int(file_cfg.get("lockout_seconds", 60)),
        repeat_days=_positive(file_cfg, "repeat_days", 30),
        archive_after_days=_positive(file_cfg, "archive_after_days", 365),
        attachment_max_kb=_positive(file_cfg, "attachment_max_kb", 10 * 1024),
        attachment_types=tuple(str(t).lower().lstrip(".") for t in file_cfg["attachment_types"])
        if file_cfg.get("attachment_types") else None,
        where=where,
        mail=_mail(file_cfg.get("smtp") or {}, env),
        mailbox=_mailbox(file_cfg.get("mailbox") or {}, env),
        webhooks=_webhooks(file_cfg.get("webhooks") or {}),
        sla_scan_seconds=0 if file_cfg.get("sla_scan_seconds") == 0 else _positive(file_cfg, "sla_scan_seconds", 60),
        input_max_mb=_positive(file_cfg, "input_max_mb", 100),
        contact_max_inquiries=_positive(file_cfg, "contact_max_inquiries", 100),
        api_max_body_kb=_positive(file_cfg, "api_max_body_kb", 1024),
        portal_login_attempts=_positive(file_cfg, "portal_login_attempts", 5),
        portal_address_attempts=_positive(file_cfg, "portal_address_attempts", 50),
        idle_lock_minutes=_idle_minutes(env.get("CRMTERM_IDLE_LOCK_MINUTES", file_cfg.get("idle_lock_minutes", 15))),
        text_max_chars=_text_max_chars(env, file_cfg),
        busy_wait_seconds=_busy_wait(env, file_cfg),
        per_user_db_logins=_flag(env.get("CRMTERM_PER_USER_DB_LOGINS", file_cfg.get("per_user_db_logins", False))),
    )


def _text_max_chars(env: dict, file_cfg: dict) -> int:
    raw = env.get("CRMTERM_TEXT_MAX_CHARS", file_cfg.get("text_max_chars", TEXT_MAX_CHARS))
    value = int(raw) if isinstance(raw, str) and raw.strip().isdecimal() else raw
    return _positive({"text_max_chars": value}, "text_max_chars", TEXT_MAX_CHARS)


@cache
def text_max_chars() -> int:
    """The process's upper bound for unbounded text columns (`text_max_chars` in config.yaml or
    CRMTERM_TEXT_MAX_CHARS): the check before every flush (store/column_limits) has no Settings at hand,
    and one process runs with one configuration."""
    env = dict(os.environ)
    try:
        return _text_max_chars(env, _read_config_file(locations(env).config_file))
    except ConfigError:  # a broken config file is reported where the settings are resolved, not mid-flush
        return TEXT_MAX_CHARS

def _busy_wait(env: dict, file_cfg: dict) -> float:
    raw = env.get("CRMTERM_BUSY_WAIT_SECONDS", file_cfg.get("busy_wait_seconds", BUSY_WAIT_SECONDS))
    try:
        seconds = float(raw)
    except (TypeError, ValueError):
        seconds = -1.0
    if isinstance(raw, bool) or not 0 < seconds <= 3600:
        raise ConfigError(f"busy_wait_seconds: expected seconds between 0 and 3600, got {raw!r}")
    return seconds


@cache
def busy_wait_seconds() -> float:
    """The process's bound on waiting for a busy SQLite database or a PostgreSQL lock (`busy_wait_seconds` in
    config.yaml or CRMTERM_BUSY_WAIT_SECONDS): store/db waits and retries a transaction for this long, whatever
    the number of tries, and has no Settings at hand (one process runs with one configuration)."""
    env = dict(os.environ)
    try:
        return _busy_wait(env, _read_config_file(locations(env).config_file))
    except ConfigError:  # a broken setting is reported where the settings are resolved
        return BUSY_WAIT_SECONDS


def _flag(value) -> bool:
    """A yes/no setting from config.yaml (a YAML boolean) or the environment (1/0, true/false, yes/no)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("", "0", "false", "no", "off"):
        return False
    raise ConfigError(f"per_user_db_logins: expected yes or no, not '{value}'")


_MAIL_NUMBERS = ("port", "timeout", "max_attempts", "backoff_seconds", "backoff_max_seconds")
_MAIL_KEYS = tuple(MailSettings.__dataclass_fields__)


def _mail(cfg: dict, env: dict) -> MailSettings:
    """`smtp:` in config.yaml, each key overridden by CRMTERM_SMTP_<KEY> (e.g. CRMTERM_SMTP_PASSWORD)."""
    return MailSettings(**_section("smtp", cfg, env, _MAIL_KEYS, numbers=_MAIL_NUMBERS, flags=("starttls", "ssl")))


_MAILBOX_NUMBERS = ("imap_port", "reopen_days", "timeout")
_MAILBOX_FLAGS = ("starttls", "plain")


def _mailbox(cfg: dict, env: dict) -> MailboxSettings:
    """`mailbox:` in config.yaml, each key overridden by CRMTERM_MAILBOX_<KEY> (e.g. CRMTERM_MAILBOX_PASSWORD)."""
    values = _section("mailbox", cfg, env, tuple(MailboxSettings.__dataclass_fields__), numbers=_MAILBOX_NUMBERS,
                      flags=_MAILBOX_FLAGS)
    for key in set(values) - set(_MAILBOX_NUMBERS + _MAILBOX_FLAGS):
        values[key] = str(values[key])
    return MailboxSettings(**values)


def _section(name: str, cfg: dict, env: dict, known: tuple[str, ...], *, numbers: tuple[str, ...],
             flags: tuple[str, ...]) -> dict[str, Any]:
    """A settings mapping of config.yaml (`name:`), each key overridden by CRMTERM_<NAME>_<KEY>; numbers are
    positive integers, flags yes/no (a YAML boolean, or 1/0, true/false, yes/no, on/off from the environment)."""
    if not isinstance(cfg, dict):
        raise ConfigError(f"{name}: expected a mapping of settings")
    unknown = sorted(set(cfg) - set(known))
    if unknown:
        raise ConfigError(f"{name}: unknown setting '{unknown[0]}' (known: {', '.join(known)})")
    prefix = f"CRMTERM_{name.upper()}_"
    values: dict[str, Any] = {key: env.get(prefix + key.upper(), cfg.get(key)) for key in known}
    values = {key: value for key, value in values.items() if value is not None}
    for key in set(numbers) & set(values):
        number = values[key]
        number = int(number) if isinstance(number, str) and number.strip().isdecimal() else number
        values[key] = _positive({f"{name}.{key}": number}, f"{name}.{key}", 0)
    for key in set(flags) & set(values):
        if isinstance(values[key], str):
            values[key] = values[key].strip().lower() in ("1", "true", "yes", "on")
    return values


def _webhooks(cfg: dict) -> WebhookSettings:
    if not isinstance(cfg, dict):
        raise ConfigError("webhooks: expected a mapping of settings")
    known = tuple(WebhookSettings.__dataclass_fields__)
    unknown = sorted(set(cfg) - set(known))
    if unknown:
        raise ConfigError(f"webhooks: unknown setting '{unknown[0]}' (known: {', '.join(known)})")
    return WebhookSettings(**{key: _positive({f"webhooks.{key}": cfg[key]}, f"webhooks.{key}", 0) for key in cfg})


def _positive(cfg: dict, key: str, default: int) -> int:
    value = cfg.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ConfigError(f"{key}: expected a positive whole number, got {value!r}")
    return value


def _idle_minutes(value: object) -> float:
    """`idle_lock_minutes` (config file) or CRMTERM_IDLE_LOCK_MINUTES: minutes, fractions allowed; 0 is off."""
    try:
        minutes = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        minutes = -1.0
    if isinstance(value, bool) or not minutes >= 0:
        raise ConfigError(f"idle_lock_minutes: expected a number of minutes (0: never lock), got {value!r}")
    return minutes


LIST_QUERY_MS = 300


@cache
def list_query_ms() -> int:
    """How long an admin's list query (services/topics/attribute_queries) may run before the form gets an error
    instead of its list (`list_query_ms` in config.yaml or CRMTERM_LIST_QUERY_MS): the form calls it with no
    Settings at hand, and one process runs with one configuration."""
    env = dict(os.environ)
    try:
        raw = env.get("CRMTERM_LIST_QUERY_MS") or _read_config_file(locations(env).config_file).get("list_query_ms")
        return _positive({"list_query_ms": int(raw) if raw is not None else LIST_QUERY_MS}, "list_query_ms",
                         LIST_QUERY_MS)
    except (ConfigError, ValueError):  # a broken setting keeps the default: a form must not fail on it
        return LIST_QUERY_MS


def config_section(name: str) -> dict:
    """One section of config.yaml as written (a domain reads its own settings: services/billing/billing_config),
    {} when the file or the section is missing."""
    section = _read_config_file(locations(dict(os.environ)).config_file).get(name) or {}
    if not isinstance(section, dict):
        raise ConfigError(f"{name}: expected a mapping of settings")
    return section
