"""Take-next under contention: W workers (threads, each with its own connection pool — like agents each
running crmterm) empty a bench queue filled with copies of a real inquiry, through the service and then as
the same UPDATE … RETURNING through the driver. Every take is recorded: an inquiry taken twice is counted in
`double_assigned` (which must stay 0). The bench rows are removed afterwards, so runs can be repeated."""

from __future__ import annotations

import threading
import time
from collections import Counter

from sqlalchemy import create_engine, delete, insert
from sqlmodel import Session, select

from crmterm.services import directory, queues
from crmterm.services.permissions import SYSTEM, Actor, Role
from crmterm.store import Inquiry, InquiryEvent, Queue, User
from crmterm.store.db import backend, engine_for, normalise_url, unit_of_work

QUEUE = "bench_take"


def _workers(url: str, count: int) -> list[Actor]:
    logins = [f"bench_worker_{n:02}" for n in range(count)]
    with unit_of_work(url) as session:
        known = set(session.exec(select(User.login).where(User.login.in_(logins))).all())
        session.add_all([User(login=login, display_name=login, role_code="agent") for login in logins
                         if login not in known])
        if session.exec(select(Queue.id).where(Queue.code == QUEUE)).first() is None:
            directory.create_entry(session=session, actor=SYSTEM, kind="queues", source="bench",
                                   values={"code": QUEUE, "labels": {"en": "Bench"}, "members": logins})
    with unit_of_work(url) as session:
        return [Actor(login=u.login, role=Role.AGENT, id=u.id)
                for u in session.exec(select(User).where(User.login.in_(logins)).order_by(User.login))]


def _fill(url: str, count: int) -> int:
    """`count` waiting copies of one existing inquiry in the bench queue; returns the queue id."""
    with unit_of_work(url) as session:
        queue_id = session.exec(select(Queue.id).where(Queue.code == QUEUE)).one()
        model = session.exec(select(Inquiry).order_by(Inquiry.id).limit(1)).one()
        row = model.model_dump(exclude={"id"}) | {"queue_id": queue_id, "state": "waiting", "assignee_id": None}
        session.execute(insert(Inquiry), [row | {"priority_rank": n % 4 * 10} for n in range(count)])
        return queue_id


def _clean(url: str, queue_id: int) -> None:
    with unit_of_work(url) as session:
        doomed = select(Inquiry.id).where(Inquiry.queue_id == queue_id).scalar_subquery()
        session.execute(delete(InquiryEvent).where(InquiryEvent.inquiry_id.in_(doomed)))
        session.execute(delete(Inquiry).where(Inquiry.queue_id == queue_id))


def _race(engines: list, work) -> tuple[list[int], float]:
    taken: list[int] = []
    lock, start = threading.Lock(), threading.Barrier(len(engines))

    def run(engine, index: int) -> None:
        start.wait()
        while True:
            got = work(engine, index)
            if got is None:
                return
            with lock:
                taken.append(got)

    threads = [threading.Thread(target=run, args=(e, i)) for i, e in enumerate(engines)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return taken, time.perf_counter() - started


def measure_take_next(url: str, *, workers: int, inquiries: int = 2000) -> dict[str, float]:
    url = normalise_url(url)
    actors = _workers(url, workers)
    # SQLite: one engine (with its pragmas and busy timeout); PostgreSQL: a pool per worker, as separate
    # crmterm processes would have (one process's pool of 15 would starve a 16th worker).
    own = backend(url) != "sqlite"
    engines = [create_engine(url, pool_size=1, max_overflow=0) if own else engine_for(url) for _ in actors]
    try:
        queue_id = _fill(url, inquiries)
        taken, seconds = _race(engines, lambda engine, i: _service_take(engine, actors[i]))
        double = sum(n - 1 for n in Counter(taken).values() if n > 1)
        _clean(url, queue_id)
        _fill(url, inquiries)
        raw, raw_seconds = _race(engines, lambda engine, i: _raw_take(engine, actors[i], queue_id))
        double += sum(n - 1 for n in Counter(raw).values() if n > 1)
        _clean(url, queue_id)
    finally:
        for engine in engines if own else []:
            engine.dispose()
    return {"take_next_per_s": len(taken) / seconds, "take_next_raw_per_s": len(raw) / raw_seconds,
            "double_assigned": double, "take_next_workers": workers}


def _service_take(engine, actor: Actor) -> int | None:
    with Session(engine) as session:
        taken = queues.take_next(session=session, actor=actor, queue=QUEUE)
        session.commit()
        return taken


def _raw_take(engine, actor: Actor, queue_id: int) -> int | None:
    sqlite = engine.dialect.name == "sqlite"
    lock = "" if sqlite else " FOR UPDATE SKIP LOCKED"
    sql = ("UPDATE inquiry SET state = 'taken', assignee_id = ?, version = version + 1 WHERE id = (SELECT id "
           "FROM inquiry WHERE queue_id = ? AND state = 'waiting' ORDER BY priority_rank, due_at, id LIMIT 1"
           f"{lock}) AND state = 'waiting' AND assignee_id IS NULL RETURNING id")
    event = "INSERT INTO inquiry_event (inquiry_id, at, actor, kind, text, data) VALUES (?, CURRENT_TIMESTAMP, ?, " \
            "'taken', '', '{}')"
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        if sqlite:
            cursor.execute("BEGIN IMMEDIATE")
        cursor.execute(sql if sqlite else sql.replace("?", "%s"), (actor.id, queue_id))
        row = cursor.fetchone()
        if row is not None:
            cursor.execute(event if sqlite else event.replace("?", "%s"), (row[0], actor.login))
        connection.commit()
        return row[0] if row else None
    finally:
        connection.close()

