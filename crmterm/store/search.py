"""Indexes for customer search that the models cannot declare (backend-specific):

- SQLite: an FTS5 trigram table `party_fts` over party.search_key (external content, kept in step by
  triggers), so `LIKE '%fragment%'` is answered from the index instead of a scan of every party.
- PostgreSQL: a pg_trgm GIN index on party.search_key, which `LIKE '%fragment%'` uses directly.

search_key holds casefolded text without diacritics (see text.py): the SQLite on this platform has
no `remove_diacritics` for trigram tables, and folding in Python works the same on both backends.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Connection

from crmterm.store.config_cache import VERSION_TABLE
from crmterm.store.kb_index import UNMANAGED as KB_UNMANAGED
from crmterm.store.note_index import UNMANAGED as NOTE_UNMANAGED

# Objects created here, not by the models: the model/migration comparison must not report them.
UNMANAGED = {"party_fts", "party_fts_data", "party_fts_idx", "party_fts_content", "party_fts_docsize",
             "party_fts_config", "ix_party_search_key_trgm"}

_SQLITE = [
    "CREATE VIRTUAL TABLE party_fts USING fts5(search_key, content='party', content_rowid='id', "
    "tokenize='trigram')",
    "CREATE TRIGGER party_fts_insert AFTER INSERT ON party BEGIN "
    "INSERT INTO party_fts(rowid, search_key) VALUES (new.id, new.search_key); END",
    "CREATE TRIGGER party_fts_delete AFTER DELETE ON party BEGIN "
    "INSERT INTO party_fts(party_fts, rowid, search_key) VALUES ('delete', old.id, old.search_key); END",
    "CREATE TRIGGER party_fts_update AFTER UPDATE OF search_key ON party BEGIN "
    "INSERT INTO party_fts(party_fts, rowid, search_key) VALUES ('delete', old.id, old.search_key); "
    "INSERT INTO party_fts(rowid, search_key) VALUES (new.id, new.search_key); END",
]
_POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_party_search_key_trgm ON party USING gin (search_key gin_trgm_ops)",
]


@contextmanager
def bulk_party_load(connection: Connection) -> Iterator[None]:
    """Around a bulk insert of parties on SQLite: index them in one INSERT … SELECT afterwards instead of
    row by row through the trigger (four times faster). Same transaction, so nothing is ever half-indexed."""
    if connection.dialect.name != "sqlite":
        yield
        return
    first = connection.execute(text("SELECT COALESCE(MAX(id), 0) + 1 FROM party")).scalar()
    connection.execute(text("DROP TRIGGER party_fts_insert"))
    yield
    connection.execute(text("INSERT INTO party_fts(rowid, search_key) SELECT id, search_key FROM party "
                            "WHERE id >= :first"), {"first": first})
    connection.execute(text(_SQLITE[1]))


def create_search_indexes(connection: Connection) -> None:
    for statement in _SQLITE if connection.dialect.name == "sqlite" else _POSTGRESQL:
        connection.execute(text(statement))


def drop_search_indexes(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        for name in ("party_fts_insert", "party_fts_delete", "party_fts_update"):
            connection.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        connection.execute(text("DROP TABLE IF EXISTS party_fts"))
    else:
        connection.execute(text("DROP INDEX IF EXISTS ix_party_search_key_trgm"))


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic hook: leave the search objects above (and the knowledge base's and notes', store/kb_index and
    store/note_index) out of
    model/migration comparisons."""
    return (name not in UNMANAGED and name not in KB_UNMANAGED and name not in NOTE_UNMANAGED
            and name != VERSION_TABLE)
