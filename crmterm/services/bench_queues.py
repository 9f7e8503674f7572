"""Benchmark of queue work: the first and the next keyset page of a queue (randomised queue, state filter and
sort order, seeded) and the per-queue counts, on whatever data the database holds (`seed synthetic
--inquiries` for scale). Read-only."""

from __future__ import annotations

import random
import time

from sqlmodel import Session, func, select

from crmterm.services import queues
from crmterm.services.bench_forms import percentile
from crmterm.services.permissions import Actor
from crmterm.services.queues import InquiryFilter
from crmterm.store import Inquiry, Queue


def measure_queue_pages(*, session: Session, actor: Actor, rounds: int = 300, seed: int = 7) -> dict[str, float]:
    codes = session.exec(select(Queue.code).join(Inquiry, Inquiry.queue_id == Queue.id).distinct()).all()
    if not codes:
        return {}
    rng = random.Random(seed)
    first, following = [], []
    for _round in range(rounds):
        where = InquiryFilter(queue=rng.choice(codes), state=rng.choice(["waiting", "open", "taken"]))
        sort, descending = rng.choice(list(queues.SORTS)), rng.random() < 0.3
        started = time.perf_counter()
        page = queues.page(session=session, actor=actor, where=where, sort=sort, descending=descending)
        first.append((time.perf_counter() - started) * 1000)
        if page.cursor:
            started = time.perf_counter()
            queues.page(session=session, actor=actor, where=where, sort=sort, descending=descending,
                        after=page.cursor)
            following.append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    for _round in range(20):
        queues.my_queues(session=session, actor=actor)
    counts_ms = (time.perf_counter() - started) * 1000 / 20
    total = session.exec(select(func.count()).select_from(Inquiry)).one()
    return {"inquiries": total, "queue_page_p50_ms": percentile(first, 50), "queue_page_p95_ms": percentile(first, 95),
            "queue_next_page_p50_ms": percentile(following or [0.0], 50),
            "queue_next_page_p95_ms": percentile(following or [0.0], 95), "queue_counts_ms": counts_ms}
