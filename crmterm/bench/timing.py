"""Timing helpers shared by every benchmark: percentiles over many timed operations, and raw DB-API access
for the baselines (the same tables and indexes, no ORM, no validation)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlmodel import Session


def timed(action: Callable[[], object], rounds: int) -> list[float]:
    """Seconds per call of `action`, `rounds` times."""
    found = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        found.append(time.perf_counter() - start)
    return found


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def p95_ms(seconds: list[float]) -> float:
    return percentile(seconds, 95) * 1000


@contextmanager
def raw_cursor(session: Session) -> Iterator:
    """A DB-API cursor on the session's own connection and transaction: the driver, nothing between."""
    cursor = session.connection().connection.cursor()
    try:
        yield cursor
    finally:
        cursor.close()


def marks(session: Session, sql: str) -> str:
    """`?` placeholders as written, or `%s` for psycopg."""
    return sql if session.get_bind().dialect.name == "sqlite" else sql.replace("?", "%s")
