"""Customer search (mixed: name fragment, phone suffix, contract number) and the customer card, through the
services and raw through the DB-API. Inputs and card ids are drawn, seeded, uniformly over the whole data set
(bench/api_inputs.py), so most of them are not in cache. The raw search runs the statements the service
runs — the same sources, filters, order and limits — with nothing between the driver and the database."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from sqlmodel import Session

from crmterm.bench.api_inputs import random_rows, search_inputs
from crmterm.bench.timing import marks, p95_ms, raw_cursor
from crmterm.services.accounts.permissions import Actor
from crmterm.services.customers import customer_card, customer_search

LIMIT = 50


def _side_by_side(inputs: list, service: Callable, raw: Callable) -> tuple[list[float], list[float]]:
    """Seconds per input of the service and of the raw statements, run back to back on each input, which of
    the two goes first alternating, so neither is timed on pages the other has just brought into cache."""
    timings: tuple[list[float], list[float]] = ([], [])
    for number, given in enumerate(inputs):
        for side in ((0, 1) if number % 2 else (1, 0)):
            started = time.perf_counter()
            (service, raw)[side](given)
            timings[side].append(time.perf_counter() - started)
    return timings


def _raw_search(session: Session, cursor, typed: str) -> list:
    """The service's first statement, then the shown columns of the first LIMIT distinct parties."""
    backend = session.get_bind().dialect.name
    found = customer_search.statement(backend, typed, LIMIT)
    if found is None:
        return []
    if backend == "sqlite":
        cursor.execute(found.dbapi(backend), found.params)
    else:  # as the service runs it: planned for its fragment, never as a prepared (generic) plan
        cursor.execute(found.dbapi(backend), found.params, prepare=False)
    parties = list(dict.fromkeys(row[1] for row in cursor.fetchall()))[:LIMIT]
    if not parties:
        return []
    sql, params = customer_search.details_statement(session, parties)
    cursor.execute(sql, params)
    return cursor.fetchall()


def measure_search(session: Session, actor: Actor, rounds: int, rng: random.Random) -> dict[str, float]:
    inputs = search_inputs(session, rng, rounds)
    for typed in inputs[:20]:  # warm: statements prepared, catalogue cached (the inputs' pages stay cold)
        customer_search.search(session=session, actor=actor, query=typed, limit=LIMIT)
    with raw_cursor(session) as cursor:
        service, raw = _side_by_side(
            inputs, lambda typed: customer_search.search(session=session, actor=actor, query=typed, limit=LIMIT),
            lambda typed: _raw_search(session, cursor, typed))
    return {"customer_search_p95_ms": p95_ms(service), "customer_search_raw_p95_ms": p95_ms(raw)}


def _raw_card(session: Session, cursor, party_id: int) -> None:
    for sql in ("SELECT * FROM party WHERE id = ?",
                "SELECT * FROM structure_link WHERE child_id = ?",
                "SELECT c.*, s.* FROM contract c LEFT JOIN subscriber s ON s.contract_id = c.id "
                "WHERE c.payer_party_id = ?",
                "SELECT * FROM contact_person WHERE party_id = ?",
                "SELECT i.id, t.code, t.labels, i.type, i.state, i.created_at FROM inquiry i JOIN topic t ON "
                "t.id = i.topic_id WHERE i.party_id = ? ORDER BY i.id DESC LIMIT 100"):
        cursor.execute(marks(session, sql), (party_id,))
        cursor.fetchall()


def measure_card(session: Session, actor: Actor, rounds: int, rng: random.Random) -> dict[str, float]:
    ids = random_rows(session, "party", "id", rng, rounds) or [1]
    with raw_cursor(session) as cursor:
        service, raw = _side_by_side(ids, lambda party: customer_card.get_card(session=session, actor=actor,
                                                                                party_id=party),
                                     lambda party: _raw_card(session, cursor, party))
    return {"customer_card_p95_ms": p95_ms(service), "customer_card_raw_p95_ms": p95_ms(raw)}
