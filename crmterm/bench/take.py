"""Take-next under contention: W worker processes (like agents each running crmterm) empty a bench queue
filled with copies of a real inquiry, through the service and then through the driver doing the same work
by hand. Each take is a committed unit of work on both sides: the service runs as the CLI runs it
(store/db.in_transaction); the raw baseline picks in the same order, updates the same columns, inserts the
same 'taken' event (and on PostgreSQL sends the same NOTIFY), then commits. Every take is recorded: an
inquiry taken twice is counted in `double_assigned` (which must stay 0). The bench rows are cancelled
afterwards, so runs can be repeated."""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter

from sqlalchemy import insert, update
from sqlmodel import col, select

from crmterm.services.accounts.permissions import SYSTEM, Actor, Role
from crmterm.services.directory import directory
from crmterm.services.routing import queues
from crmterm.store import Inquiry, Queue, User, utcnow
from crmterm.store.db import engine_for, in_transaction, normalise_url, unit_of_work
from crmterm.store.tables import saved_id

QUEUE = "bench_take"
TIMEOUT_S = 300


def _workers(url: str, count: int) -> list[Actor]:
    logins = [f"bench_worker_{n:02}" for n in range(count)]
    with unit_of_work(url) as session:
        known = set(session.exec(select(User.login).where(col(User.login).in_(logins))).all())
        session.add_all([User(login=login, display_name=login, role_code="agent") for login in logins
                         if login not in known])
        if session.exec(select(Queue.id).where(Queue.code == QUEUE)).first() is None:
            directory.create_entry(session=session, actor=SYSTEM, kind="queues", source="bench",
                                   values={"code": QUEUE, "labels": {"en": "Bench"}, "members": logins})
    with unit_of_work(url) as session:
        return [Actor(login=u.login, role=Role.AGENT, id=u.id)
                for u in session.exec(select(User).where(col(User.login).in_(logins)).order_by(User.login))]


def _fill(url: str, count: int) -> int:
    """`count` waiting copies of one existing inquiry in the bench queue; returns the queue id."""
    with unit_of_work(url) as session:
        queue_id = saved_id(session.exec(select(Queue).where(Queue.code == QUEUE)).one())
        session.execute(update(Queue).where(col(Queue.id) == queue_id).values(active=True))  # see _clean
        model = session.exec(select(Inquiry).order_by(col(Inquiry.id)).limit(1)).one()
        row = model.model_dump(exclude={"id"}) | {"queue_id": queue_id, "state": "waiting", "assignee_id": None}
        session.execute(insert(Inquiry), [row | {"priority_rank": n % 4 * 10} for n in range(count)])
        return queue_id


def _clean(url: str, queue_id: int) -> None:
    """The copies end cancelled rather than deleted: their 'taken' events are history, which may not be
    deleted (migration 0019); the next round takes only waiting copies."""
    with unit_of_work(url) as session:
        session.execute(update(Inquiry).where(col(Inquiry.queue_id) == queue_id, col(Inquiry.state) != "cancelled")
                        .values(state="cancelled"))
        # Hidden between runs: supervisors see every active queue, and this empty one (sort order 0) would be
        # the first their Queues tab opens (the TUI bench then timed an empty table)
        session.execute(update(Queue).where(col(Queue.id) == queue_id).values(active=False))


def _race(url: str, actors: list[Actor], work: str, queue_id: int) -> tuple[list[int], float]:
    """Each worker a process of its own, as agents each run crmterm: W processes share no GIL, so the
    figure shows what the database and our per-take work allow, not one interpreter's lock."""
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(len(actors) + 1), context.Queue()
    processes = [context.Process(target=_worker, args=(url, actor, work, queue_id, start, results))
                 for actor in actors]
    for process in processes:
        process.start()
    start.wait()
    started = time.perf_counter()
    taken = [i for _p in processes for i in results.get(timeout=TIMEOUT_S)]
    seconds = time.perf_counter() - started
    for process in processes:
        process.join()
    failed = [p.exitcode for p in processes if p.exitcode]
    if failed:
        raise RuntimeError(f"{len(failed)} take-next workers failed (exit codes {failed})")
    return taken, seconds


def _worker(url: str, actor: Actor, work: str, queue_id: int, start, results) -> None:
    """In the child: the engine's pool starts empty (the parent's connections stay the parent's), take
    until the queue is empty, then send the ids back."""
    engine = engine_for(url)
    engine.dispose(close=False)
    taken = []
    start.wait()
    try:
        while (got := _service_take(url, actor) if work == "service" else
               _raw_take(engine, actor, queue_id)) is not None:
            taken.append(got)
    finally:
        results.put(taken)
        engine.dispose()


def measure_take_next(url: str, *, workers: int, inquiries: int = 2000) -> dict[str, float]:
    url = normalise_url(url)
    actors = _workers(url, workers)
    engine_for(url).dispose()  # no pooled connection may cross the fork into the workers
    queue_id = _fill(url, inquiries)
    taken, seconds = _race(url, actors, "service", queue_id)
    double = sum(n - 1 for n in Counter(taken).values() if n > 1)
    _clean(url, queue_id)
    _fill(url, inquiries)
    raw, raw_seconds = _race(url, actors, "raw", queue_id)
    double += sum(n - 1 for n in Counter(raw).values() if n > 1)
    _clean(url, queue_id)
    return {"take_next_per_s": len(taken) / seconds, "take_next_raw_per_s": len(raw) / raw_seconds,
            "double_assigned": double, "take_next_workers": workers}


def _service_take(url: str, actor: Actor) -> int | None:
    """As the CLI runs a service call: one unit of work, committed (on the worker's engine_for(url))."""
    return in_transaction(url, lambda session: queues.take_next(session=session, actor=actor, queue=QUEUE))


_RAW_TAKE = ("UPDATE inquiry SET state = 'taken', assignee_id = ?, version = version + 1, updated_at = ?, "
             "updated_by = ? WHERE id = (SELECT id FROM inquiry WHERE queue_id = ? AND state = 'waiting' "
             "ORDER BY priority_rank, due_at, id LIMIT 1{lock}) AND state = 'waiting' AND assignee_id IS NULL "
             "RETURNING id")
_RAW_EVENT = ("INSERT INTO inquiry_event (inquiry_id, at, actor, kind, text, data) "
              "VALUES (?, ?, ?, 'taken', '', {data})")
_RAW_NOTIFY = "SELECT pg_notify('crmterm_inquiry', ?)"


def _raw_take(engine, actor: Actor, queue_id: int) -> int | None:
    """What a careful hand-written take does: pick and update in one statement, log the event, notify, commit."""
    sqlite = engine.dialect.name == "sqlite"
    now = utcnow()
    take = _RAW_TAKE.format(lock="" if sqlite else " FOR UPDATE SKIP LOCKED")
    event = _RAW_EVENT.format(data="?" if sqlite else "CAST(? AS json)")
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        if sqlite:
            cursor.execute("BEGIN IMMEDIATE")
        marks = (lambda sql: sql) if sqlite else (lambda sql: sql.replace("?", "%s"))
        stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else now
        cursor.execute(marks(take), (actor.id, stamp, actor.login, queue_id))
        row = cursor.fetchone()
        if row is not None:
            cursor.execute(marks(event), (row[0], stamp, actor.login, '{"next": true}'))
            if not sqlite:
                cursor.execute(marks(_RAW_NOTIFY), (str(queue_id),))
        connection.commit()
        return row[0] if row else None
    finally:
        connection.close()
