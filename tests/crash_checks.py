"""What must hold in a database after any crash (tests/test_crash.py) or race (tests/test_concurrency.py):
the file is sound, every foreign key resolves, and nothing is half-written. Each check is a query that
returns the offending rows; `problems(url)` names every non-empty one."""

from __future__ import annotations

import sqlite3

from sqlalchemy import create_engine, text

from crmterm.store.db import normalise_url, sqlite_path

# name -> query returning offending rows (both databases)
CONSISTENCY = {
    "contact without inquiry": """
        SELECT c.id FROM contact c
        WHERE NOT EXISTS (SELECT 1 FROM inquiry i WHERE i.contact_id = c.id)
          AND NOT EXISTS (SELECT 1 FROM inquiry_archive a WHERE a.contact_id = c.id)
          AND NOT EXISTS (SELECT 1 FROM inquiry_event e WHERE e.contact_id = c.id)
          AND NOT EXISTS (SELECT 1 FROM inquiry_event_archive e WHERE e.contact_id = c.id)""",
    "inquiry without its created event": """
        SELECT i.id FROM inquiry i WHERE NOT EXISTS
          (SELECT 1 FROM inquiry_event e WHERE e.inquiry_id = i.id AND e.kind = 'created')""",
    "archived inquiry without its created event": """
        SELECT a.id FROM inquiry_archive a WHERE NOT EXISTS
          (SELECT 1 FROM inquiry_event_archive e WHERE e.inquiry_id = a.id AND e.kind = 'created')""",
    "inquiry created twice": """
        SELECT inquiry_id FROM inquiry_event WHERE kind = 'created' GROUP BY inquiry_id HAVING COUNT(*) > 1""",
    "inquiry both live and archived": "SELECT i.id FROM inquiry i JOIN inquiry_archive a ON a.id = i.id",
    "live event of an archived inquiry": """
        SELECT e.id FROM inquiry_event e WHERE NOT EXISTS (SELECT 1 FROM inquiry i WHERE i.id = e.inquiry_id)""",
    "archived event of a live inquiry": """
        SELECT e.id FROM inquiry_event_archive e
        WHERE NOT EXISTS (SELECT 1 FROM inquiry_archive a WHERE a.id = e.inquiry_id)""",
    "waiting inquiry outside a queue or assigned": """
        SELECT id FROM inquiry WHERE state = 'waiting' AND (queue_id IS NULL OR assignee_id IS NOT NULL)""",
    "taken inquiry without assignee or taken event": """
        SELECT i.id FROM inquiry i WHERE i.state IN ('taken', 'in_progress') AND (i.assignee_id IS NULL
          OR NOT EXISTS (SELECT 1 FROM inquiry_event e WHERE e.inquiry_id = i.id AND e.kind = 'taken'))""",
    "closed inquiry without closing time or event": """
        SELECT i.id FROM inquiry i WHERE i.state = 'closed' AND (i.closed_at IS NULL
          OR NOT EXISTS (SELECT 1 FROM inquiry_event e WHERE e.inquiry_id = i.id AND e.kind = 'closed'))""",
    "routed inquiry without its routed event": """
        SELECT i.id FROM inquiry i WHERE i.route_revision_id IS NOT NULL AND NOT EXISTS
          (SELECT 1 FROM inquiry_event e WHERE e.inquiry_id = i.id AND e.kind = 'routed')""",
    "version below 1": "SELECT id FROM inquiry WHERE version < 1 UNION ALL SELECT id FROM party WHERE version < 1",
    "party without its created history row": """
        SELECT p.id FROM party p WHERE p.display_name LIKE 'Crash %' AND NOT EXISTS (SELECT 1 FROM change_log l
          WHERE l.entity = 'party' AND l.entity_id = p.id AND l.field = 'created')""",
    "party created twice": """
        SELECT entity_id FROM change_log WHERE entity = 'party' AND field = 'created'
        GROUP BY entity_id HAVING COUNT(*) > 1""",
    "duplicate imported party": """
        SELECT display_name FROM party WHERE display_name LIKE 'Crash %'
        GROUP BY display_name HAVING COUNT(*) > 1""",
}


def problems(url: str) -> list[str]:
    """Every broken invariant, with up to five offending keys each; [] when the database is sound."""
    found = _sqlite_file_problems(url) if sqlite_path(url) else []
    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as connection:
            for name, query in CONSISTENCY.items():
                rows = [r[0] for r in connection.execute(text(query)).fetchmany(5)]
                if rows:
                    found.append(f"{name}: {rows}")
    finally:
        engine.dispose()
    return found


def _sqlite_file_problems(url: str) -> list[str]:
    """A fresh connection (it replays the WAL the killed process left), then SQLite's own checks."""
    connection = sqlite3.connect(sqlite_path(url), timeout=30)
    try:
        found = []
        integrity = [r[0] for r in connection.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            found.append(f"integrity_check: {integrity[:5]}")
        keys = connection.execute("PRAGMA foreign_key_check").fetchmany(5)
        if keys:
            found.append(f"foreign_key_check: {keys}")
        if not connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'party_fts_insert'").fetchone():
            found.append("the customer search trigger party_fts_insert is missing")
        try:
            connection.execute("INSERT INTO party_fts(party_fts, rank) VALUES ('integrity-check', 1)")
        except sqlite3.DatabaseError as error:
            found.append(f"party_fts integrity-check: {error}")
        connection.rollback()
        return found
    finally:
        connection.close()


def scalar(url: str, query: str, **params):
    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as connection:
            return connection.execute(text(query), params).scalar()
    finally:
        engine.dispose()
