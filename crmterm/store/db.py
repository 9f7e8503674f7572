"""Engines and sessions for SQLite (embedded) and PostgreSQL (server), behind one URL."""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.engine import make_url
from sqlmodel import Session

from crmterm.errors import ConfigError, CrmError

T = TypeVar("T")


def normalise_url(url: str) -> str:
    """Accept `postgres://` and `postgresql://` and use psycopg 3; leave SQLite URLs as they are."""
    url = re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", url)
    if not (url.startswith("postgresql+psycopg://") or url.startswith("sqlite:///")):
        raise ConfigError(f"unsupported database URL '{mask_url(url)}' (use sqlite:///FILE or postgresql://…)")
    return url


def mask_url(url: str) -> str:
    """The URL as it may be shown: password replaced by ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL is shown without its credentials part
        return re.sub(r"//[^@/]*@", "//***@", url)


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
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


_engines: dict[str, Engine] = {}


def engine_for(url: str) -> Engine:
    """One engine per URL for the life of the process (engines own connection pools)."""
    url = normalise_url(url)
    if url not in _engines:
        _engines[url] = _create(url)
    return _engines[url]


def _create(url: str) -> Engine:
    if url.startswith("sqlite"):
        sqlite_path(url).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def dispose_all() -> None:
    while _engines:
        _engines.popitem()[1].dispose()


def _sqlite_begin(connection) -> None:
    connection.exec_driver_sql("BEGIN")


@contextmanager
def unit_of_work(url: str) -> Iterator[Session]:
    """One transaction: commit on success, roll back on error (unless the error asks to keep changes)."""
    session = Session(engine_for(url), expire_on_commit=False)
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


BUSY_ATTEMPTS = 12  # with the pauses below: up to ~2 s of retrying under heavy contention


def _busy(error: OperationalError) -> bool:
    return "database is locked" in str(error.orig) or "database table is locked" in str(error.orig)


def in_transaction(url: str, work: Callable[[Session], T]) -> T:
    """`work(session)` in one unit of work; on SQLite a transaction that read before another writer committed
    may not start writing ("database is locked", which busy_timeout cannot wait out), so the whole unit is
    run again after a short random pause, a few times. Nothing partial is ever kept: each try rolls back."""
    for attempt in range(BUSY_ATTEMPTS):
        try:
            with unit_of_work(url) as session:
                return work(session)
        except OperationalError as error:
            if not _busy(error) or attempt == BUSY_ATTEMPTS - 1:
                raise
            time.sleep(min(0.25, random.uniform(0.005, 0.02) * 2 ** attempt))
    raise AssertionError("unreachable")
