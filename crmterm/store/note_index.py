"""The substring index of note.search_key, made by migration 0031 outside the models (as store/search does for
parties): PostgreSQL — a pg_trgm GIN index `LIKE '%words%'` uses directly; SQLite — an FTS5 trigram table kept
in step by triggers, which answers the same LIKE (services/customers/notes searches through it)."""

from __future__ import annotations

UNMANAGED = {"note_fts", "note_fts_data", "note_fts_idx", "note_fts_content", "note_fts_docsize", "note_fts_config",
             "ix_note_search_key_trgm"}
_TRIGGERS = ("note_fts_insert", "note_fts_delete", "note_fts_update")

_SQLITE = [
    "CREATE VIRTUAL TABLE note_fts USING fts5(search_key, content='note', content_rowid='id', tokenize='trigram')",
    "INSERT INTO note_fts(rowid, search_key) SELECT id, search_key FROM note",
    "CREATE TRIGGER note_fts_insert AFTER INSERT ON note BEGIN "
    "INSERT INTO note_fts(rowid, search_key) VALUES (new.id, new.search_key); END",
    "CREATE TRIGGER note_fts_delete AFTER DELETE ON note BEGIN "
    "INSERT INTO note_fts(note_fts, rowid, search_key) VALUES ('delete', old.id, old.search_key); END",
    "CREATE TRIGGER note_fts_update AFTER UPDATE OF search_key ON note BEGIN "
    "INSERT INTO note_fts(note_fts, rowid, search_key) VALUES ('delete', old.id, old.search_key); "
    "INSERT INTO note_fts(rowid, search_key) VALUES (new.id, new.search_key); END",
]
_POSTGRESQL = ["CREATE EXTENSION IF NOT EXISTS pg_trgm",
               "CREATE INDEX ix_note_search_key_trgm ON note USING gin (search_key gin_trgm_ops)"]


def create_statements(dialect: str) -> list[str]:
    return list(_SQLITE if dialect == "sqlite" else _POSTGRESQL)


def drop_statements(dialect: str) -> list[str]:
    if dialect == "sqlite":
        return [*(f"DROP TRIGGER IF EXISTS {name}" for name in _TRIGGERS), "DROP TABLE IF EXISTS note_fts"]
    return ["DROP INDEX IF EXISTS ix_note_search_key_trgm"]
