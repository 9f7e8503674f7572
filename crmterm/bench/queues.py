"""Queue work: the first and the next keyset page of a queue (randomised queue, state filter and sort order,
seeded) through the service and, pair by pair, as the same SELECT through the driver — the same queue, the
same set of states, the same order and direction, and for the next page the same keyset bound taken from the
raw first page's last row; the per-queue counts; and a monthly count of inquiries by topic (the shape of the
topic report). Each page is its own (read-only) transaction, as a screen's worker or a CLI call opens one."""

from __future__ import annotations

import functools
import heapq
import random
import time
from datetime import timedelta

from sqlalchemy import case
from sqlmodel import Session, col, func, select

from crmterm.bench.timing import p95_ms, percentile
from crmterm.services.accounts.permissions import Actor
from crmterm.services.routing import queues
from crmterm.services.routing.queues import InquiryFilter
from crmterm.store import Inquiry, Queue, utcnow
from crmterm.store.db import engine_for, unit_of_work
from crmterm.workflow.engine import ASSIGNED, OPEN

_STATES = {"open": sorted(OPEN), "assigned": sorted(ASSIGNED)}  # a filter's states, as queues.page reads them
_KEYS = {"work": ("i.priority_rank", "i.due_at", "i.id"), "due": ("i.due_at", "i.id"), "age": ("i.id",)}
_RAW_PAGE = ("SELECT i.id, i.created_at, t.code, t.labels, p.display_name, pr.code, i.priority_rank, i.state, "
             "i.step, q.code, u.login, i.due_at, i.version, i.route_revision_id, i.warn_at FROM inquiry i "
             "JOIN topic t ON t.id = i.topic_id LEFT JOIN party p ON p.id = i.party_id "
             "LEFT JOIN priority pr ON pr.id = i.priority_id LEFT JOIN queue q ON q.id = i.queue_id "
             "LEFT JOIN app_user u ON u.id = i.assignee_id WHERE i.queue_id = ? AND i.state = ? {after}"
             "ORDER BY {order} LIMIT {limit}")
_KEY_AT = {"i.id": 0, "i.priority_rank": 6, "i.due_at": 11}  # where each key column is in a raw row


def measure_queue_pages(url: str, *, actor: Actor, rounds: int = 300, seed: int = 7) -> dict[str, float]:
    with unit_of_work(url) as session:
        busy = session.exec(select(Queue.id, Queue.code).join(Inquiry, col(Inquiry.queue_id) == Queue.id)
                            .distinct()).all()
    if not busy:
        return {}
    rng = random.Random(seed)
    first: list[float] = []
    following: list[float] = []
    raw: list[float] = []
    engine = engine_for(url)
    connection = engine.raw_connection()
    try:
        for _round in range(rounds):
            queue_id, code = rng.choice(busy)
            where = InquiryFilter(queue=code, state=rng.choice(["waiting", "open", "taken"]))
            sort, descending = rng.choice(list(queues.SORTS)), rng.random() < 0.3
            _service_pair(url, actor, where, sort, descending, first, following)
            raw += _raw_pair(connection, engine.dialect.name, queue_id or 0, where.state, sort, descending)
    finally:
        connection.close()
    started = time.perf_counter()
    for _round in range(20):
        with unit_of_work(url) as session:
            queues.my_queues(session=session, actor=actor)
    counts_ms = (time.perf_counter() - started) * 1000 / 20
    return {"queue_page_p50_ms": percentile(first, 50) * 1000, "queue_page_p95_ms": p95_ms(first),
            "queue_next_page_p95_ms": p95_ms(following or [0.0]), "queue_page_raw_p95_ms": p95_ms(raw),
            "queue_counts_ms": counts_ms}


def _service_pair(url: str, actor: Actor, where: InquiryFilter, sort: str, descending: bool,
                  first: list[float], following: list[float]) -> None:
    """The first page and, when there is one, the next: each its own transaction, timed with it."""
    started = time.perf_counter()
    with unit_of_work(url) as session:
        page = queues.page(session=session, actor=actor, where=where, sort=sort, descending=descending)
    first.append(time.perf_counter() - started)
    if page.cursor:
        started = time.perf_counter()
        with unit_of_work(url) as session:
            queues.page(session=session, actor=actor, where=where, sort=sort, descending=descending,
                        after=page.cursor)
        following.append(time.perf_counter() - started)


def _raw_pair(connection, dialect: str, queue_id: int, state: str, sort: str, descending: bool) -> list[float]:
    found = []
    started = time.perf_counter()
    rows = raw_page(connection, dialect, queue_id, state, sort, descending)
    found.append(time.perf_counter() - started)
    if len(rows) > queues.PAGE:
        started = time.perf_counter()
        raw_page(connection, dialect, queue_id, state, sort, descending, after=rows[queues.PAGE - 1])
        found.append(time.perf_counter() - started)
    return found


def raw_page(connection, dialect: str, queue_id: int, state: str, sort: str, descending: bool,
             after: tuple | None = None) -> list:
    """The page `queues.page` reads, the same way through the driver: one index walk per state of the
    filter, merged in key order, with the extra row that tells whether there is a next page (PAGE + 1 rows
    at most); `after`: the previous page's last row. One transaction."""
    keys = _KEYS[sort]
    bound = tuple(after[_KEY_AT[k]] for k in keys) if after is not None else ()
    sql = _raw_sql(dialect, sort, descending, after is not None)
    return _page(connection, sql, [(queue_id, s, *bound) for s in _STATES.get(state, [state])], keys,
                 descending)


@functools.cache
def _raw_sql(dialect: str, sort: str, descending: bool, following: bool) -> str:
    keys = _KEYS[sort]
    order = ", ".join(f"{k} DESC" if descending else k for k in keys)
    bound = f"AND ({', '.join(keys)}) {'<' if descending else '>'} ({', '.join(['?'] * len(keys))}) "
    sql = _RAW_PAGE.format(after=bound if following else "", order=order, limit=queues.PAGE + 1)
    return sql if dialect == "sqlite" else sql.replace("?", "%s")


def _page(connection, sql: str, per_state: list[tuple], keys: tuple[str, ...], descending: bool) -> list:
    cursor = connection.cursor()
    try:
        parts = []
        for parameters in per_state:
            cursor.execute(sql, parameters)
            parts.append(cursor.fetchall())
        connection.commit()
    finally:
        cursor.close()
    merged = heapq.merge(*parts, key=lambda row: tuple(row[_KEY_AT[k]] for k in keys), reverse=descending)
    return list(merged)[:queues.PAGE + 1]


def measure_topic_month(*, session: Session) -> dict[str, float]:
    """Registered / closed / open per topic over the last 30 days, aggregated in SQL."""
    since = utcnow() - timedelta(days=30)
    started = time.perf_counter()
    # `topic_id + 0` keeps SQLite from walking the whole table in topic order to avoid a sort; the month's
    # rows come from the (created_at, topic_id, state) index and are grouped in memory (3.2 s → 0.2 s at 3M).
    topic = col(Inquiry.topic_id) + 0
    session.exec(select(topic, func.count(), func.sum(case((col(Inquiry.state) == "closed", 1), else_=0)))
                 .where(Inquiry.created_at >= since).group_by(topic)).all()
    return {"report_topics_month_s": time.perf_counter() - started}
