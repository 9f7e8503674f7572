"""Live refresh: tell open screens that inquiries changed, without them reloading on a timer.

PostgreSQL: every workflow transaction sends `NOTIFY crmterm_inquiry, '<queue id>'` (delivered on commit);
a watcher LISTENs on its own connection. SQLite: a watcher polls `PRAGMA data_version` on its own
connection, which changes whenever another connection commits — cheap enough to poll every second.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any, Protocol

from sqlalchemy import text
from sqlmodel import Session

from crmterm.store.db import backend, normalise_url, sqlite_path

CHANNEL = "crmterm_inquiry"
NOTIFICATIONS = "crmterm_notification"  # in-app notifications: wakes unread counters, not queue lists
CALLS = "crmterm_call"  # screen pop: the payload is the called agent's user id (services/inquiries/incoming_calls)


def announce(session: Session, queue_id: int | None, *, channel: str = CHANNEL) -> None:
    """Queue a change note for commit (a no-op on SQLite, where watchers poll)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, :payload)"),
                        {"channel": channel, "payload": str(queue_id or "")})


class Watcher(Protocol):
    def changed(self) -> bool: ...

    def close(self) -> None: ...


class _Guarded:
    """A watcher's connection used under a lock: screens poll it in a thread worker and close it on the UI
    thread, and closing an sqlite3 connection while another thread runs a statement on it crashes the
    process (a segmentation fault, seen in CI); a closed watcher just reports no change."""

    _connection: Any  # the subclass's DB-API or SQLAlchemy connection, closed under the lock

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._closed = False

    def changed(self) -> bool:
        with self._lock:
            return False if self._closed else self._changed()

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._connection.close()

    def _changed(self) -> bool:
        raise NotImplementedError


class _SqliteWatcher(_Guarded):
    def __init__(self, path: str) -> None:
        super().__init__()
        self._connection = sqlite3.connect(path, check_same_thread=False)
        self._seen = self._version()

    def _version(self) -> int:
        return self._connection.execute("PRAGMA data_version").fetchone()[0]

    def _changed(self) -> bool:
        now = self._version()
        changed, self._seen = now != self._seen, now
        return changed


class _PostgresWatcher(_Guarded):
    def __init__(self, url: str, channel: str = CHANNEL, only: str | None = None) -> None:
        import psycopg

        super().__init__()
        self._only = only
        dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
        self._connection = psycopg.connect(dsn, autocommit=True)
        self._connection.execute(f"LISTEN {channel}")

    def _changed(self) -> bool:
        # A short wait: a note sent at another session's commit may still be on its way over the socket.
        # Closing waits for it (at most these 50 ms) under the lock.
        # Every note is read (a list, not `any`), so none left behind fires the next check for nothing.
        notes = list(self._connection.notifies(timeout=0.05))
        return any(self._only is None or note.payload == self._only for note in notes)


def watcher(url: str, *, channel: str = CHANNEL, only: str | None = None) -> Watcher:
    """`only`: on PostgreSQL, wake for the notes of `channel` with this payload alone (one agent's calls);
    SQLite's watcher sees every commit and cannot tell them apart."""
    url = normalise_url(url)
    if backend(url) == "sqlite":
        return _SqliteWatcher(str(sqlite_path(url)))
    return _PostgresWatcher(url, channel, only)
