"""Bulk writes with PostgreSQL's COPY: rows stream to the server in one command, without a statement per
row (psycopg's executemany still sends one INSERT per row, pipelined). Used by the batched customer import
on PostgreSQL; SQLite keeps store/bulk.bulk_insert."""

from __future__ import annotations

from sqlmodel import Session

from crmterm.store.bulk import driver_cursor


def copy_rows(session: Session, table: str, rows: list[dict]) -> None:
    """COPY `rows` (dicts with the same keys) into `table`, inside the session's transaction. A refused row
    fails the whole COPY with the same DBAPIError an INSERT would raise, so a savepoint around it undoes it."""
    from psycopg.types.json import Json

    columns = list(rows[0])
    connection = session.connection()
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with driver_cursor(connection, statement) as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([Json(v) if isinstance(v, dict | list) else v for v in map(row.__getitem__, columns)])
