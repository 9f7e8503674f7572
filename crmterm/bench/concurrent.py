"""Registration under concurrency: W agent processes (16 by default, like a floor of agents each running
crmterm) register varied drafts for a fixed time, each registration its own committed unit of work — through
the service as the faces call it (`in_transaction`, which on SQLite re-runs a unit that lost the write race),
then as the same rows through the DB-API driver (registration_raw).

`concurrent_register_per_s`: registrations committed before the time was up, over all processes, per second.
SQLite has one writer at a time: the processes queue for the write lock (busy_timeout), so the figure is the
file's write throughput under contention, not W times one agent's; `concurrent_register_busy` counts
registrations that gave up (DatabaseBusy after busy_wait_seconds) and are not in the figure. Processes are
started with spawn (a fresh interpreter each, nothing inherited from the parent's pools) and wait at a
barrier until every one is ready, so start-up is not timed (spawn imports the caller's main module again: a
script calling this needs `if __name__ == "__main__"`; `crmterm` and pytest have it). Like registration.py,
the rows stay and their inquiries are cancelled afterwards."""

from __future__ import annotations

import multiprocessing
import random
import time

from crmterm.bench import registration_raw, registration_setup
from crmterm.bench.registration import cancel_bench_inquiries
from crmterm.bench.registration_setup import Setup
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.services.platform.transactions import DatabaseBusy, in_transaction
from crmterm.store.db import engine_for, normalise_url, unit_of_work

DRAFTS_PER_PROCESS = 200  # drawn before the start, then used round and round
START_TIMEOUT_S = 300


def measure_concurrent(url: str, *, workers: int = registration_setup.AGENTS, seconds: float = 10.0,
                       seed: int = 13) -> dict[str, float]:
    url = normalise_url(url)
    setup = registration_setup.ensure_setup(url)
    try:
        with unit_of_work(url) as session:  # the raw baseline's prototypes: one service registration per topic
            rng = random.Random(seed)
            customers = registration_setup.customers(session, setup, len(registration_setup.TOPICS), rng)
            plan = registration_raw.plan(session, setup.actor(0), {
                topic: registration_setup.draft(rng, setup, customer, topic)
                for topic, customer in zip(registration_setup.TOPICS, customers, strict=True)})
        engine_for(url).dispose()
        done, busy = _race(url, setup, plan, workers, seconds, seed, "service")
        raw_done, raw_busy = _race(url, setup, plan, workers, seconds, seed, "raw")
    finally:
        cancel_bench_inquiries(url, setup)
    return {"concurrent_register_per_s": done / seconds, "concurrent_register_raw_per_s": raw_done / seconds,
            "concurrent_register_busy": busy, "concurrent_register_raw_busy": raw_busy,
            "concurrent_register_workers": workers, "concurrent_register_seconds": seconds}


def _race(url: str, setup: Setup, plan: registration_raw.Plan, workers: int, seconds: float, seed: int,
          work: str) -> tuple[int, int]:
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(workers + 1), context.Queue()
    processes = [context.Process(target=_agent, args=(url, setup, plan, n, seconds, seed, work, start, results))
                 for n in range(workers)]
    for process in processes:
        process.start()
    try:
        start.wait(timeout=START_TIMEOUT_S)
        counts = [results.get(timeout=seconds + START_TIMEOUT_S) for _p in processes]
    finally:
        for process in processes:
            process.join(timeout=60)
    failed = [p.exitcode for p in processes if p.exitcode]
    if failed:
        raise RuntimeError(f"{len(failed)} registering processes failed (exit codes {failed})")
    return sum(c for c, _b in counts), sum(b for _c, b in counts)


def _agent(url: str, setup: Setup, plan: registration_raw.Plan, n: int, seconds: float, seed: int, work: str,
           start, results) -> None:
    """In the child: draw this agent's drafts, register one untimed (warm caches), wait for the others,
    then register until the time is up; sends (committed in time, given up busy) back. A process that fails
    before the start breaks the barrier, so the others and the parent stop at once instead of waiting."""
    done = busy = 0
    try:
        try:
            drafts, register_one = _prepare(url, setup, plan, n, seed, work)
        except BaseException:
            start.abort()
            raise
        start.wait(timeout=START_TIMEOUT_S)
        deadline = time.perf_counter() + seconds
        index = 1
        while time.perf_counter() < deadline:
            try:
                register_one(drafts[index % len(drafts)])
            except DatabaseBusy:
                busy += 1
                continue
            finally:
                index += 1
            done += time.perf_counter() <= deadline  # one finished after the time is not counted
    finally:
        results.put((done, busy))
        engine_for(url).dispose()


def _prepare(url: str, setup: Setup, plan: registration_raw.Plan, n: int, seed: int, work: str):
    rng = random.Random(seed * 1000 + n)
    with unit_of_work(url) as session:
        customers = registration_setup.customers(session, setup, DRAFTS_PER_PROCESS, rng)
    drafts = [registration_setup.draft(rng, setup, customer) for customer in customers]
    register_one = _service(url, setup, n) if work == "service" else _raw(url, setup, plan, n)
    register_one(drafts[0])
    return drafts, register_one


def _service(url: str, setup: Setup, n: int):
    actor = setup.actor(n)

    def register_one(draft: ContactDraft) -> None:
        in_transaction(url, lambda session: register(session=session, actor=actor, draft=draft))
    return register_one


def _raw(url: str, setup: Setup, plan: registration_raw.Plan, n: int):
    engine = engine_for(url)
    writer = registration_raw.RawWriter(engine.raw_connection(), engine.dialect, plan, setup.actor(n))

    def register_one(draft: ContactDraft) -> None:
        try:
            writer.register(draft)
        except Exception as error:  # the driver's "database is locked" after busy_timeout: given up
            if "locked" in str(error):
                raise DatabaseBusy(str(error)) from None
            raise
    return register_one
