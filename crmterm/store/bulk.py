"""Bulk writes through the DB-API driver: at hundreds of thousands of rows the ORM's per-value type
processing is the cost. Used by the synthetic data generator and the batched customer import."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from crmterm.store.db import unsendable


def bulk_insert(session: Session, table: str, rows: list[dict]) -> None:
    """executemany on the driver itself, inside the session's transaction."""
    columns = list(rows[0])
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    marks = ", ".join("?" if sqlite else "%s" for _c in columns)
    convert = _sqlite_value if sqlite else _postgresql_value
    statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
    values = [list(map(row.__getitem__, columns)) for row in rows]
    for index in [i for i, c in enumerate(columns) if _needs(convert, rows, c)]:  # only dates and JSON
        for row in values:
            row[index] = convert(row[index])
    with driver_cursor(connection, statement) as cursor:
        cursor.executemany(statement, values)


@contextmanager
def driver_cursor(connection: Connection, statement: str) -> Iterator[Any]:
    """The driver's own cursor for `statement`, its errors raised as the engine raises them for any other."""
    cursor = connection.connection.cursor()
    try:
        yield cursor
    except connection.dialect.loaded_dbapi.Error as error:  # the same error type as every other statement
        raise DBAPIError.instance(statement, None, error, connection.dialect.loaded_dbapi.Error) from None
    except (OverflowError, UnicodeEncodeError) as error:  # what the engine's handle_error hook maps for others
        raise unsendable(error) or error from None
    finally:
        cursor.close()


def reserve_ids(session: Session, table: str, count: int) -> list[int]:
    """`count` fresh primary keys for `table`. PostgreSQL draws them from the sequence (safe with any number
    of writers). SQLite has one writer at a time: a no-op write first takes the write lock, so nobody else
    can take ids between reading MAX(id) and the caller's insert in this transaction."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        return list(connection.execute(text(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, :n)"),
            {"n": count}).scalars())
    connection.execute(text(f"UPDATE {table} SET id = id WHERE 0 = 1"))
    first = connection.execute(text(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")).scalar_one()
    return list(range(first, first + count))


def _needs(convert, rows: list[dict], column: str) -> bool:
    sample = next((row[column] for row in rows if row[column] is not None), None)
    return sample is not None and convert(sample) is not sample


@lru_cache(maxsize=64)  # a batch stamps every row with the same time
def _sqlite_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")  # as SQLAlchemy writes it


def _sqlite_value(value):
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime):
        return _sqlite_time(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _postgresql_value(value):
    from psycopg.types.json import Json

    return Json(value) if isinstance(value, dict | list) else value
