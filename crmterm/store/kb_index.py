"""The knowledge base's full-text index, which the models cannot declare (backend-specific):

- SQLite: an FTS5 table `kb_fts` over kb_article_text (title, keywords, body; external content, kept in step
  by triggers) with the `porter unicode61 remove_diacritics 2` tokenizer: English words are stemmed (Porter),
  every script is case-folded and stripped of diacritics, Russian words are not stemmed by FTS5 — the search
  service turns a Russian word into a stem prefix query instead (services/knowledge/kb_search).
- PostgreSQL: a generated `kb_tsv` tsvector column — title weight A, keywords B, body D — stemmed with the
  `russian` configuration for Russian versions (which also stems Latin words with the English stemmer) and
  `english` for the rest, and a GIN index on it. Since migration 0017 also `kb_head`, the same for title and
  keywords alone, with its own GIN index: a search ranks the versions matching in their head first and reads
  the rest only when those cannot be the best (services/knowledge/kb_search).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

# Objects created here, not by the models: the model/migration comparison must leave them out (store/search).
UNMANAGED = {"kb_fts", "kb_fts_data", "kb_fts_idx", "kb_fts_content", "kb_fts_docsize", "kb_fts_config",
             "kb_tsv", "ix_kb_article_text_tsv", "kb_head", "ix_kb_article_text_head"}

_COLUMNS = "title, keywords, body"
_SQLITE = [
    f"CREATE VIRTUAL TABLE kb_fts USING fts5({_COLUMNS}, content='kb_article_text', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER kb_fts_insert AFTER INSERT ON kb_article_text BEGIN "
    f"INSERT INTO kb_fts(rowid, {_COLUMNS}) VALUES (new.id, new.title, new.keywords, new.body); END",
    "CREATE TRIGGER kb_fts_delete AFTER DELETE ON kb_article_text BEGIN "
    f"INSERT INTO kb_fts(kb_fts, rowid, {_COLUMNS}) VALUES ('delete', old.id, old.title, old.keywords, old.body); "
    "END",
    "CREATE TRIGGER kb_fts_update AFTER UPDATE ON kb_article_text BEGIN "
    f"INSERT INTO kb_fts(kb_fts, rowid, {_COLUMNS}) VALUES ('delete', old.id, old.title, old.keywords, old.body); "
    f"INSERT INTO kb_fts(rowid, {_COLUMNS}) VALUES (new.id, new.title, new.keywords, new.body); END",
]
_CONFIG = "(CASE WHEN lang = 'ru' THEN 'russian'::regconfig ELSE 'english'::regconfig END)"
_POSTGRESQL = [
    "ALTER TABLE kb_article_text ADD COLUMN kb_tsv tsvector GENERATED ALWAYS AS ("
    f"setweight(to_tsvector({_CONFIG}, title), 'A') || setweight(to_tsvector({_CONFIG}, keywords), 'B') || "
    f"setweight(to_tsvector({_CONFIG}, body), 'D')) STORED",
    "CREATE INDEX ix_kb_article_text_tsv ON kb_article_text USING gin (kb_tsv)",
]
_POSTGRESQL_HEAD = [
    "ALTER TABLE kb_article_text ADD COLUMN kb_head tsvector GENERATED ALWAYS AS ("
    f"setweight(to_tsvector({_CONFIG}, title), 'A') || setweight(to_tsvector({_CONFIG}, keywords), 'B')) STORED",
    "CREATE INDEX ix_kb_article_text_head ON kb_article_text USING gin (kb_head)",
]


def create_kb_index(connection: Connection) -> None:
    for statement in _SQLITE if connection.dialect.name == "sqlite" else _POSTGRESQL:
        connection.execute(text(statement))


def drop_kb_index(connection: Connection) -> None:
    """Before the table goes (SQLite triggers and the FTS table would outlive it)."""
    if connection.dialect.name == "sqlite":
        for name in ("kb_fts_insert", "kb_fts_delete", "kb_fts_update"):
            connection.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        connection.execute(text("DROP TABLE IF EXISTS kb_fts"))
    else:
        connection.execute(text("DROP INDEX IF EXISTS ix_kb_article_text_tsv"))
        connection.execute(text("ALTER TABLE kb_article_text DROP COLUMN IF EXISTS kb_tsv"))


def create_head_index(connection: Connection) -> None:
    """PostgreSQL only (SQLite's FTS5 ranks inside its index and needs no head column)."""
    if connection.dialect.name == "postgresql":
        for statement in _POSTGRESQL_HEAD:
            connection.execute(text(statement))


def drop_head_index(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("DROP INDEX IF EXISTS ix_kb_article_text_head"))
        connection.execute(text("ALTER TABLE kb_article_text DROP COLUMN IF EXISTS kb_head"))
