"""Queue work: the first and the next keyset page of a queue (randomised queue, state filter and sort order,
seeded) through the service and as the same SELECT through the driver; the per-queue counts; and a monthly
count of inquiries by topic (the shape of the topic report, until the reports issue brings the report)."""

from __future__ import annotations

import random
import time
from datetime import timedelta

from sqlalchemy import case
from sqlmodel import Session, col, func, select

from crmterm.bench.timing import marks, p95_ms, percentile, raw_cursor
from crmterm.services.accounts.permissions import Actor
from crmterm.services.routing import queues
from crmterm.services.routing.queues import InquiryFilter
from crmterm.store import Inquiry, Queue, utcnow

_RAW_PAGE = ("SELECT i.id, i.created_at, t.code, t.labels, p.display_name, pr.code, i.priority_rank, i.state, "
             "i.step, q.code, u.login, i.due_at, i.version FROM inquiry i JOIN topic t ON t.id = i.topic_id "
             "LEFT JOIN party p ON p.id = i.party_id LEFT JOIN priority pr ON pr.id = i.priority_id "
             "LEFT JOIN queue q ON q.id = i.queue_id LEFT JOIN app_user u ON u.id = i.assignee_id "
             "WHERE i.queue_id = ? AND i.state = ? {after} ORDER BY i.priority_rank, i.due_at, i.id LIMIT 50")


def measure_queue_pages(*, session: Session, actor: Actor, rounds: int = 300, seed: int = 7) -> dict[str, float]:
    busy = session.exec(select(Queue.id, Queue.code).join(Inquiry, col(Inquiry.queue_id) == Queue.id)
                        .distinct()).all()
    if not busy:
        return {}
    rng = random.Random(seed)
    first, following = [], []
    for _round in range(rounds):
        where = InquiryFilter(queue=rng.choice(busy)[1], state=rng.choice(["waiting", "open", "taken"]))
        sort, descending = rng.choice(list(queues.SORTS)), rng.random() < 0.3
        started = time.perf_counter()
        page = queues.page(session=session, actor=actor, where=where, sort=sort, descending=descending)
        first.append(time.perf_counter() - started)
        if page.cursor:
            started = time.perf_counter()
            queues.page(session=session, actor=actor, where=where, sort=sort, descending=descending,
                        after=page.cursor)
            following.append(time.perf_counter() - started)
    started = time.perf_counter()
    for _round in range(20):
        queues.my_queues(session=session, actor=actor)
    counts_ms = (time.perf_counter() - started) * 1000 / 20
    return {"queue_page_p50_ms": percentile(first, 50) * 1000, "queue_page_p95_ms": p95_ms(first),
            "queue_next_page_p95_ms": p95_ms(following or [0.0]),
            "queue_page_raw_p95_ms": _raw_pages(session, [q for q, _c in busy if q is not None], rounds, rng),
            "queue_counts_ms": counts_ms}


def _raw_pages(session: Session, queue_ids: list[int], rounds: int, rng: random.Random) -> float:
    first = marks(session, _RAW_PAGE.format(after=""))
    later = marks(session, _RAW_PAGE.format(after="AND (i.priority_rank, i.due_at, i.id) > (?, ?, ?)"))
    found = []
    with raw_cursor(session) as cursor:
        for _round in range(rounds):
            queue_id, state = rng.choice(queue_ids), rng.choice(["waiting", "taken"])
            started = time.perf_counter()
            cursor.execute(first, (queue_id, state))
            rows = cursor.fetchall()
            found.append(time.perf_counter() - started)
            if len(rows) == 50:
                last = rows[-1]
                started = time.perf_counter()
                cursor.execute(later, (queue_id, state, last[6], last[11], last[0]))
                cursor.fetchall()
                found.append(time.perf_counter() - started)
    return p95_ms(found)


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
