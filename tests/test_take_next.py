"""Take-next under contention (DESIGN.md §5): many agents pulling from one queue at the same moment take every
waiting inquiry exactly once, none twice, none lost, none failing. PostgreSQL: 16 workers and 2,000 inquiries
(`FOR UPDATE SKIP LOCKED`); SQLite: 8 workers and 300 inquiries (writers one at a time, waiting their turn
by `busy_timeout` — a take that fails with "database is locked" instead is a failure here).
Each worker's takes also come in work order (priority, deadline, age): a row skipped as locked is never
given back, so nothing better than what a worker already took can turn up for it later."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, insert
from sqlmodel import select

from crmterm.services.routing import queues
from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.store import Inquiry, InquiryEvent, Priority, Queue, User, utcnow
from crmterm.store.db import in_transaction, unit_of_work

NO_DATA = {"topic": "no_data", "values": {"problem_since": "2026-11-26 10:00", "device_restarted": True}}


def fill_queue(url: str, count: int, workers: int, seed: int = 7) -> tuple[set[int], list[Actor]]:
    """One inquiry registered through the service, copied `count - 1` times with random priority and
    deadline straight into first_line; `workers` new agents in group l1 (first_line's group)."""
    rnd = random.Random(seed)
    with unit_of_work(url) as session:
        agent = session.exec(select(User).where(User.login == "agent")).one()
        draft = ContactDraft.model_validate({"inquiries": [NO_DATA]})
        first = register(session=session, actor=Actor(login="agent", role=Role.AGENT, id=agent.id), draft=draft)
        model = session.get(Inquiry, first.inquiry_ids[0])
        first_line = session.exec(select(Queue.id).where(Queue.code == "first_line")).one()
        assert (model.state, model.queue_id) == ("waiting", first_line)
        row, now = model.model_dump(exclude={"id"}), utcnow()
        priorities = session.exec(select(Priority.id, Priority.rank)).all()
        session.execute(insert(Inquiry), [
            {**row, **dict(zip(("priority_id", "priority_rank"), rnd.choice(priorities))),
             "due_at": now + timedelta(minutes=rnd.randrange(5_000))} for _ in range(count - 1)])
        users = [User(login=f"worker{n:02}", display_name=f"Worker {n}", role_code="agent", groups=["l1"])
                 for n in range(workers)]
        session.add_all(users)
        session.flush()
        ids = set(session.exec(select(Inquiry.id)).all())
        return ids, [Actor(login=u.login, role=Role.AGENT, id=u.id) for u in users]


def race(url: str, actors: list[Actor], own_pools: bool = False) -> tuple[dict[str, list[int]], list[str], float]:
    """Every worker calls take_next in its own unit of work until the queue is empty. With `own_pools` each
    worker connects through its own engine, like agents each running their own crmterm (one process's pool
    holds 15 connections, and a 16th thread waiting on it would barely get a turn)."""
    taken: dict[str, list[int]] = {a.login: [] for a in actors}
    errors: list[str] = []
    start = threading.Barrier(len(actors))

    def work(actor: Actor) -> None:
        mine = f"{url}?application_name={actor.login}" if own_pools else url
        start.wait()
        while True:
            try:
                # the way the CLI (Env.run) and the TUI (Gateway.call) run it: waiting its turn, bounded by time
                got = in_transaction(mine, lambda session: queues.take_next(session=session, actor=actor,
                                                                           queue="first_line"))
            except Exception as error:  # noqa: BLE001 - any failure under contention is what we look for
                errors.append(f"{actor.login}: {error!r}"[:300])
                if len(errors) > 50:
                    return
                continue
            if got is None:
                return
            taken[actor.login].append(got)

    threads = [threading.Thread(target=work, args=(a,), name=a.login) for a in actors]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return taken, errors, time.perf_counter() - began


def check_each_taken_once(url: str, ids: set[int], actors: list[Actor], taken: dict[str, list[int]]) -> None:
    everything = [i for worker in taken.values() for i in worker]
    doubles = [i for i, n in Counter(everything).items() if n > 1]
    assert doubles == [], f"taken twice: {doubles[:10]}"
    assert set(everything) == ids, f"never taken: {sorted(ids - set(everything))[:10]}"
    holder = {i: a.id for a in actors for i in taken[a.login]}
    with unit_of_work(url) as session:
        rows = session.exec(select(Inquiry.id, Inquiry.state, Inquiry.assignee_id, Inquiry.version)).all()
        events = session.exec(select(InquiryEvent.inquiry_id, InquiryEvent.actor, func.count())
                              .where(InquiryEvent.kind == "taken")
                              .group_by(InquiryEvent.inquiry_id, InquiryEvent.actor)).all()
    assert {r.id for r in rows} == ids
    wrong = [r for r in rows if (r.state, r.assignee_id, r.version) != ("taken", holder[r.id], 2)]
    assert wrong == [], f"{len(wrong)} rows not taken once by the worker that got them: {wrong[:5]}"
    login = {a.id: a.login for a in actors}
    assert sorted((i, who, n) for i, who, n in events) == sorted((i, login[holder[i]], 1) for i in ids)


def work_order(url: str) -> dict[int, tuple]:
    """Each inquiry's place in take-next's order: priority, then deadline, then age."""
    with unit_of_work(url) as session:
        return {r.id: (r.priority_rank, r.due_at, r.id)
                for r in session.exec(select(Inquiry.id, Inquiry.priority_rank, Inquiry.due_at)).all()}


def check_work_order(url: str, taken: dict[str, list[int]]) -> None:
    key = work_order(url)
    for login, got in taken.items():
        keys = [key[i] for i in got]
        assert keys == sorted(keys), f"{login} took out of work order"


def test_sixteen_agents_take_two_thousand_inquiries_each_once_on_postgresql(postgresql_demo_url):
    ids, actors = fill_queue(postgresql_demo_url, 2_000, 16)
    taken, errors, seconds = race(postgresql_demo_url, actors, own_pools=True)
    assert errors == [], f"{len(errors)} takes failed, e.g. {errors[:1]}"
    check_each_taken_once(postgresql_demo_url, ids, actors, taken)
    check_work_order(postgresql_demo_url, taken)
    busiest = max(len(v) for v in taken.values())
    print(f"\nPostgreSQL take-next: {len(ids)} by {len(actors)} workers in {seconds:.2f} s "
          f"= {len(ids) / seconds:.0f}/s (busiest worker {busiest}, idlest {min(len(v) for v in taken.values())})")


def test_eight_agents_take_three_hundred_inquiries_each_once_on_sqlite(sqlite_demo_url):
    ids, actors = fill_queue(sqlite_demo_url, 300, 8)
    taken, errors, seconds = race(sqlite_demo_url, actors)
    assert errors == [], f"{len(errors)} takes failed, e.g. {errors[:1]}"
    check_each_taken_once(sqlite_demo_url, ids, actors, taken)
    check_work_order(sqlite_demo_url, taken)
    with unit_of_work(sqlite_demo_url) as session:  # writers run one at a time: the log is the queue in work order
        log = session.exec(select(InquiryEvent.inquiry_id).where(InquiryEvent.kind == "taken")
                           .order_by(InquiryEvent.id)).all()
    key = work_order(sqlite_demo_url)
    assert [key[i] for i in log] == sorted(key.values())
    print(f"\nSQLite take-next: {len(ids)} by {len(actors)} workers in {seconds:.2f} s = {len(ids) / seconds:.0f}/s")


def test_eight_agents_taking_chosen_inquiries_through_the_gateway_never_see_a_lock_error_on_sqlite(sqlite_demo_url):
    """`take` reads before it writes; on SQLite such a unit may lose the race for the write lock. The gateway
    (the TUI's door to the services) runs the whole unit again instead of showing "database is locked"."""
    from crmterm.services.inquiries import inquiry_actions
    from crmterm.services.platform.gateway import Gateway
    from crmterm.settings import Settings

    ids, actors = fill_queue(sqlite_demo_url, 160, 8)
    mine = {a.login: sorted(ids)[n::len(actors)] for n, a in enumerate(actors)}
    errors: list[str] = []
    start = threading.Barrier(len(actors))

    def work(actor: Actor) -> None:
        gateway = Gateway(Settings(database_url=sqlite_demo_url), actor)
        start.wait()
        for inquiry_id in mine[actor.login]:
            try:
                gateway.call(inquiry_actions.take, inquiry_id=inquiry_id)
            except Exception as error:  # noqa: BLE001 - every failure is what this test counts
                errors.append(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=work, args=(a,)) for a in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [], f"{len(errors)} takes failed, e.g. {errors[:1]}"
    with unit_of_work(sqlite_demo_url) as session:
        assert session.exec(select(func.count()).where(Inquiry.state == "taken")).one() == len(ids)
