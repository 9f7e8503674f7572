"""Engines and sessions for SQLite (embedded) and PostgreSQL (server), behind one URL."""

from __future__ import annotations

import os
import random
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from crmterm.errors import ConfigError, CrmError, ValidationError
from crmterm.settings import busy_wait_seconds, mask_url

# Imported for their hooks, on for every session and engine: every flush is checked against the declared column
# limits (lengths, integer ranges, decimal precision; issue 20 item 9), and every write to a configuration table
# drops the cached configuration (store/config_cache).
from crmterm.store import column_limits as _column_limits  # noqa: F401
from crmterm.store import config_cache as _config_cache  # noqa: F401
from crmterm.store import sync_ids as _sync_ids  # noqa: F401  (offline rows' ids on a node)

T = TypeVar("T")


def normalise_url(url: str) -> str:
    """Accept `postgres://` and `postgresql://` and use psycopg 3; leave SQLite URLs as they are."""
    url = re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", url)
    if not (url.startswith("postgresql+psycopg://") or url.startswith("sqlite:///")):
        raise ConfigError(f"unsupported database URL '{mask_url(url)}' (use sqlite:///FILE or postgresql://…)")
    return url


def backend(url: str) -> str:
    return "postgresql" if normalise_url(url).startswith("postgresql") else "sqlite"


def sqlite_path(url: str) -> Path | None:
    url = normalise_url(url)
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT (RELEASE of the first one commits); let SQLAlchemy
    # issue BEGIN itself (the recipe from SQLAlchemy's SQLite dialect documentation).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_wait_seconds() * 1000)}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


_engines: dict[str, Engine] = {}


def engine_for(url: str) -> Engine:
    """One engine per URL for the life of the process (engines own connection pools)."""
    url = normalise_url(url)
    if url not in _engines:
        _engines[url] = _create(url)
    return _engines[url]


PRIVATE_FILE_MODE = 0o600  # SQLite has no roles: whoever can read the file reads everything


def create_private(path: Path) -> None:
    """Create `path` empty and readable by its owner only, unless it exists. SQLite gives the -wal and -shm
    files the database file's mode, and the backup copies are made the same way (store/backup, migrate)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))
    except FileExistsError:
        pass


def _create(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if path is not None:  # None: an in-memory database, no file to create
            create_private(path)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
        event.listen(engine, "begin", _postgresql_begin)
    event.listen(engine, "handle_error", _unsendable_value)
    return engine


def _unsendable_value(context) -> ValidationError | None:
    return unsendable(context.original_exception)


def unsendable(error: BaseException) -> ValidationError | None:
    """A value the driver cannot send is bad input, not a crash: an integer beyond 64 bits (sqlite3 raises
    OverflowError, e.g. `crmterm inquiry show 99999999999999999999`) or text with a lone surrogate (what
    undecodable bytes in a command-line argument become), or text with NUL on PostgreSQL — a lookup by a
    typed key, say; services refuse NUL in the text they store, naming the field
    (errors.refuse_nul), so both backends agree."""
    from crmterm.i18n import _

    if isinstance(error, OverflowError):
        dated = "date" in str(error)  # "date value out of range": a year-1 time with an offset, say
        return ValidationError(None, _("a date is out of range") if dated else _("a number is out of range"))
    if isinstance(error, UnicodeEncodeError):
        return ValidationError(None, _("the text is not valid Unicode (undecodable bytes?)"))
    if "cannot contain NUL" in str(error):  # psycopg (PostgreSQL only): see the docstring
        return ValidationError(None, _("the text contains a NUL character"))
    return None


def dispose_all() -> None:
    while _engines:
        _engines.popitem()[1].dispose()


def _sqlite_begin(connection) -> None:
    # A unit run again after losing a race asks for the write lock at once: BEGIN IMMEDIATE waits its turn by
    # busy_timeout, where a deferred transaction that has read cannot wait when it comes to write.
    # Set at every BEGIN: a unit retried by in_transaction waits only what is left of its bound, and the pooled
    # connection must not keep that shorter wait for the next unit.
    options = connection.get_execution_options()
    busy_ms = options.get("sqlite_busy_ms") or int(busy_wait_seconds() * 1000)
    connection.exec_driver_sql(f"PRAGMA busy_timeout={int(busy_ms)}")
    connection.exec_driver_sql("BEGIN IMMEDIATE" if options.get("sqlite_immediate", False) else "BEGIN")


def _postgresql_begin(connection) -> None:
    # PostgreSQL waits for a lock (a row another session updates or holds FOR UPDATE) for ever by default: a
    # floor of agents would hang behind one stuck session. The same bound as SQLite's busy wait, set at every
    # BEGIN; LOCAL ends with the transaction, so a pooled connection never keeps a retry's shorter wait.
    lock_ms = connection.get_execution_options().get("pg_lock_ms") or int(busy_wait_seconds() * 1000)
    connection.exec_driver_sql(f"SET LOCAL lock_timeout = {max(1, int(lock_ms))}")


@contextmanager
def unit_of_work(url: str, *, immediate: bool = False, busy_ms: int | None = None) -> Iterator[Session]:
    """One transaction: commit on success, roll back on error (unless the error asks to keep changes).
    `immediate`: on SQLite take the write lock at BEGIN (a writer that must not lose a race again);
    `busy_ms`: wait at most this long for another writer (SQLite) or a lock (PostgreSQL), else
    busy_wait_seconds."""
    engine = engine_for(url)
    if engine.dialect.name == "sqlite" and (immediate or busy_ms is not None):
        engine = engine.execution_options(sqlite_immediate=immediate, sqlite_busy_ms=busy_ms)
    elif engine.dialect.name == "postgresql" and busy_ms is not None:
        engine = engine.execution_options(pg_lock_ms=busy_ms)
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except CrmError as error:
        if error.keep_changes:
            session.commit()
        else:
            session.rollback()
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE when lock_timeout ends a wait


def _busy(error: OperationalError) -> bool:
    if getattr(error.orig, "sqlstate", None) == LOCK_NOT_AVAILABLE:
        return True
    return "database is locked" in str(error.orig) or "database table is locked" in str(error.orig)


class DatabaseBusy(CrmError):
    """Another writer held the database (SQLite) or the rows (PostgreSQL) longer than `busy_wait_seconds`:
    said as a domain error (the CLI's `error: …`, the TUI's notification), never as the driver's "database is
    locked" or "canceling statement due to lock timeout"."""


def in_transaction(url: str, work: Callable[[Session], T], *, immediate: bool = False,
                   wait: float | None = None) -> T:
    """`work(session)` in one unit of work — how every face runs every service call, so every writer waits
    the same way. On SQLite a transaction that read before another writer committed may not start writing
    ("database is locked", which busy_timeout cannot wait out), so the whole unit is run again after a short
    random pause — as a writer from BEGIN (IMMEDIATE), which waits its turn by busy_timeout instead of losing
    the same race again. On PostgreSQL a lock wait (lock_timeout) ends the same way. The bound is time, not
    tries: `wait` seconds (else the `busy_wait_seconds` setting) from the first try, each try waiting only
    what is left. Nothing partial is ever kept: each try rolls
    back. `immediate`: a writer from the first try (a unit that must not lose its write)."""
    bound = busy_wait_seconds() if wait is None else wait
    deadline = time.monotonic() + bound
    attempt = 0
    while True:
        left_ms = max(1, int((deadline - time.monotonic()) * 1000))
        try:
            with unit_of_work(url, immediate=immediate or attempt > 0, busy_ms=left_ms) as session:
                return work(session)
        except OperationalError as error:
            if not _busy(error):
                raise
            if time.monotonic() >= deadline:
                from crmterm.i18n import _

                raise DatabaseBusy(_("the database stayed busy for {seconds:g} s; try again").format(
                    seconds=bound)) from None
        attempt += 1
        pause = min(0.25, random.uniform(0.005, 0.02) * 2 ** min(attempt, 6))
        time.sleep(max(0.0, min(pause, deadline - time.monotonic())))
