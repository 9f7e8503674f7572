"""Concurrency (issue 12, item 7): P agent processes register contacts and take and close inquiries on one
database for S seconds (tests/concurrency_worker.py). No "database is locked" (nor deadlock or lock
timeout) may reach a user — SQLite waits by busy_timeout and re-runs a whole transaction that lost a race —
and the counts must add up: every reported registration is stored, every take is the worker's own and no
inquiry is taken twice, every close is recorded, and the database passes the crash checks.

By default 4 processes for 5 s on each database; `--concurrency-full` (or CRMTERM_LONG=1) runs 16 for 30 s.
The figures (registrations/s, takes/s, lock errors, conflicts) are printed after the run."""

from __future__ import annotations

import os
import multiprocessing
from collections import Counter
from pathlib import Path

import pytest
from sqlmodel import select

import concurrency_worker
import crash_checks
import crmterm.services.inquiries.inquiry_actions  # noqa: F401 - imported once here rather than in every agent
import crmterm.services.inquiries.registration  # noqa: F401
from crmterm.store import InquiryEvent, User
from crmterm.store.db import sqlite_path, unit_of_work

pytestmark = pytest.mark.xdist_group("processes")  # one worker: these compete for CPU with each other



def size(config) -> tuple[int, float]:
    if config.getoption("--concurrency-full") or os.environ.get("CRMTERM_LONG") == "1":
        return 16, 30.0
    return 4, 5.0


def add_agents(url: str, count: int) -> list[str]:
    logins = [f"racer{n:02}" for n in range(count)]
    with unit_of_work(url) as session:
        session.add_all([User(login=login, display_name=login, role_code="agent", groups=["l1"]) for login in logins])
    return logins


def race(url: str, logins: list[str], seconds: float, home: Path) -> list[dict]:
    """A process per agent (forked: the imports are done), started together once each is ready."""
    context = multiprocessing.get_context("fork")
    ready, go, results = context.Queue(), context.Event(), context.Queue()
    processes = [context.Process(target=_agent, args=(url, login, seconds, home, ready, go, results))
                 for login in logins]
    for process in processes:
        process.start()
    for _login in logins:
        ready.get(timeout=120)
    go.set()
    found = [results.get(timeout=seconds + 300) for _login in logins]
    for process in processes:
        process.join(60)
        assert process.exitcode == 0, f"an agent process exited with {process.exitcode}"
    return found


def _agent(url: str, login: str, seconds: float, home: Path, ready, go, results) -> None:
    from crmterm.store import db

    os.environ["CRMTERM_HOME"] = str(home)
    for engine in db._engines.values():
        engine.dispose(close=False)  # the parent's pooled connections: not ours to use, nor to close
    db._engines.clear()
    results.put(concurrency_worker.main(url, login, seconds, ready=lambda: (ready.put(login), go.wait())))


def stored_events(url: str, logins: list[str]) -> dict[str, list[tuple[int, str]]]:
    """kind -> (inquiry id, actor) of every event the workers wrote."""
    with unit_of_work(url) as session:
        rows = session.exec(select(InquiryEvent.kind, InquiryEvent.inquiry_id, InquiryEvent.actor)
                            .where(InquiryEvent.actor.in_(logins))).all()
    events: dict[str, list[tuple[int, str]]] = {}
    for kind, inquiry_id, actor in rows:
        events.setdefault(kind, []).append((inquiry_id, actor))
    return events


def check(url: str, results: list[dict], logins: list[str]) -> list[str]:
    totals = Counter()
    for result in results:
        totals.update({k: v for k, v in result.items() if isinstance(v, int)})
    events = stored_events(url, logins)
    created = Counter(actor for _i, actor in events.get("created", []))
    taken = events.get("taken", [])
    broken = []
    for result in results:
        login = result["login"]
        if created[login] != len(result["registered_ids"]):
            broken.append(f"{login}: registered {len(result['registered_ids'])}, stored {created[login]}")
        mine = sorted(i for i, actor in taken if actor == login)
        if mine != sorted(result["taken_ids"]):
            broken.append(f"{login}: took {len(result['taken_ids'])}, the events say {len(mine)}")
    twice = [i for i, n in Counter(i for i, _a in taken).items() if n > 1]
    if twice:
        broken.append(f"taken twice: {twice[:10]}")
    closed = events.get("closed", [])
    if len(closed) != totals["closed"]:
        broken.append(f"closed {totals['closed']}, the events say {len(closed)}")
    strangers = set(closed) - set(taken)  # each worker closes only what it took itself
    if strangers:
        broken.append(f"closed by someone who did not take them: {sorted(strangers)[:10]}")
    if totals["lock_errors"]:
        samples = [s for r in results for s in r["samples"]]
        broken.append(f"{totals['lock_errors']} lock errors reached users: {samples[:5]}")
    if totals["other_errors"]:
        broken.append(f"{totals['other_errors']} other errors: {[s for r in results for s in r['samples']][:5]}")
    return broken + crash_checks.problems(url)


def figures(backend: str, results: list[dict], processes: int, seconds: float) -> str:
    totals = Counter()
    for result in results:
        totals.update({k: v for k, v in result.items() if isinstance(v, int)})
    return (f"concurrency {backend}: {processes} processes x {seconds:g} s: "
            f"{totals['registered'] / seconds:.1f} registrations/s, {totals['taken'] / seconds:.1f} takes/s "
            f"({totals['closed']} closed, {totals['empty']} empty takes), lock errors {totals['lock_errors']}, "
            f"conflicts {totals['conflicts']}, other errors {totals['other_errors']}")


def test_agents_race_without_lock_errors_and_counts_add_up(request, demo_url, tmp_path):
    processes, seconds = size(request.config)
    backend = "sqlite" if sqlite_path(demo_url) else "postgresql"
    logins = add_agents(demo_url, processes)
    results = race(demo_url, logins, seconds, tmp_path / "home")
    line = figures(backend, results, processes, seconds)
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\n{line}", flush=True)
    broken = check(demo_url, results, logins)
    assert not broken, line + "\n" + "\n".join(broken)
    assert sum(r.get("registered", 0) for r in results) > 0 and sum(r.get("taken", 0) for r in results) > 0


def test_sqlite_unit_that_lost_a_race_runs_again_as_a_writer_from_begin(sqlite_url):
    """A deferred transaction that read before another writer committed cannot write ("database is locked"
    at once, busy_timeout does not help); in_transaction runs it again with BEGIN IMMEDIATE, which waits."""
    import sqlite3

    from sqlalchemy import event, text

    from crmterm.store.db import engine_for, in_transaction

    begins: list[str] = []
    event.listen(engine_for(sqlite_url), "before_cursor_execute",
                 lambda _c, _cur, statement, *_a: begins.append(statement) if statement.startswith("BEGIN") else None)

    def work(session) -> int:
        session.execute(text("SELECT COUNT(*) FROM channel")).scalar()  # this transaction's snapshot
        if len(begins) == 1:  # first try: someone else commits a write meanwhile
            with sqlite3.connect(sqlite_path(sqlite_url)) as other:
                other.execute("UPDATE channel SET sort_order = sort_order WHERE 0 = 1")
                other.execute("INSERT INTO note (entity, entity_id, author, at, text) "
                              "VALUES ('party', 1, 'x', '2026-01-01', 'racing')")
        session.execute(text("DELETE FROM note WHERE text = 'racing'"))
        return len(begins)

    assert in_transaction(sqlite_url, work) == 2
    assert begins == ["BEGIN", "BEGIN IMMEDIATE"]
