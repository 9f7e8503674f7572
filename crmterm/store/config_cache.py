"""A process-wide cache of configuration lookups (topics, attribute forms, routes, SLA regulations, automation
rules, webhook subscriptions…), valid for one state of the configuration tables.

Registration is the hot path of a call center and reads a dozen small configuration tables each time, which
change a few times a day. A value is kept until the configuration changes, wherever it changes:
- in this process: every INSERT/UPDATE/DELETE on a configuration table (ORM flush or plain SQL, any engine)
  bumps a generation, and bumps it again when its transaction ends; a transaction that wrote configuration
  neither reads nor fills the cache (it must see its own uncommitted changes, and they may be rolled back);
- in another process: triggers on every configuration table (migration 0032) bump the one-row counter
  `config_version.n` on any insert, update or delete, whoever writes it (a service, config import, psql);
  one primary-key read per transaction compares it. (It replaced a fingerprint of all 19 tables per
  transaction, which on SQLite was recomputed whenever another agent had committed anything.)
Values are shared between sessions and threads: loaders must return plain, immutable-by-convention data
(frozen dataclasses, tuples, rows), never ORM objects bound to a session.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, event
from sqlmodel import Session

T = TypeVar("T")

# Every table a cached loader reads (tests/test_config_cache.py checks the loaders read nothing else, and
# that each has the triggers that bump VERSION_TABLE: a table added here needs a migration adding them).
CONFIG_TABLES = frozenset({
    "topic", "attribute_def", "attribute_group", "dictionary", "dictionary_item", "priority", "place",
    "place_type", "channel", "client_category", "contact_template", "route", "route_revision", "queue",
    "calendar", "sla_rule", "automation_rule", "webhook_subscription",
    "app_user",  # the operator's id and role (rules read operator.role); users change about as rarely
})

VERSION_TABLE = "config_version"  # one row (id 1): n counts the changes of the tables above
MAX_ENTRIES = 20_000  # per database; far above what a configuration has (forms, routes, codes)

_WRITE = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|'
                    r'(?:ALTER|DROP)\s+TABLE(?:\s+IF\s+EXISTS)?)\s+"?(\w+)', re.IGNORECASE)
_WROTE = "crmterm_config_written"  # Connection.info: this transaction wrote configuration
_CHECKED = "crmterm_config_checked"  # Session.info: (transaction, label) validated once per transaction

_lock = threading.Lock()
_generation = 0
_caches: dict[str, tuple[tuple[int, Hashable], dict[Hashable, Any]]] = {}  # URL -> (label, values)


def _bump() -> None:
    global _generation
    with _lock:
        _generation += 1


@event.listens_for(Engine, "before_cursor_execute")
def _note_writes(conn: Connection, _cursor, statement: str, *_rest) -> None:
    found = _WRITE.match(statement)
    if found and found.group(1).lower() in CONFIG_TABLES:
        conn.info[_WROTE] = True
        _bump()


def _transaction_ended(conn: Connection) -> None:
    if conn.info.pop(_WROTE, False):
        _bump()  # what other threads cached meanwhile may predate the commit


event.listen(Engine, "commit", _transaction_ended)
event.listen(Engine, "rollback", _transaction_ended)


def cached(session: Session, key: Hashable, load: Callable[[], T]) -> T:
    """`load()`'s value for `key` under the current configuration (loaded once per configuration state)."""
    connection = session.connection()
    if connection.info.get(_WROTE):
        return load()
    values = _current(session, connection)
    if key in values:
        return values[key]
    value = load()
    if not connection.info.get(_WROTE):  # a loader that wrote (a first route revision) may be rolled back
        if len(values) >= MAX_ENTRIES:  # keys hold what callers typed (unknown topic codes too): bounded
            values.clear()
        values[key] = value
    return value


def _current(session: Session, connection: Connection) -> dict[Hashable, Any]:
    transaction = session.get_transaction()
    checked = session.info.get(_CHECKED)
    if checked is not None and checked[0] is transaction and checked[1] == _generation:
        url, label = checked[2], checked[3]
    else:
        url = connection.engine.url.render_as_string()
        label = (_generation, _outside_state(connection))
        session.info[_CHECKED] = (transaction, _generation, url, label)
    with _lock:
        entry = _caches.get(url)
        if entry is None or entry[0] != label:
            entry = _caches[url] = (label, {})
    return entry[1]


def _outside_state(connection: Connection) -> Hashable:
    """What another process's committed configuration change alters: the trigger-kept counter."""
    return connection.exec_driver_sql(_READ_VERSION).scalar()


_READ_VERSION = f"SELECT n FROM {VERSION_TABLE} WHERE id = 1"


def forget_all() -> None:
    """Drop every cached value (tests that recreate a database under the same URL)."""
    with _lock:
        _caches.clear()
    _bump()
