"""Registration as an agent pays for it: each timed registration is one unit of work, exactly as the CLI's
`contact register`, the TUI and the API run it (`in_transaction`: BEGIN, the service, COMMIT), for varied
drafts — four bench topics with different attribute sets (registration_setup), values, channels and
customers drawn with the seeded generator over the whole data set. The raw baseline writes the same rows
for the same drafts through the DB-API driver, one commit each (registration_raw).

Nothing is rolled back: a registration that did not pay its commit would flatter the figure. The contacts
and inquiries written stay (history may not be deleted); the inquiries are cancelled afterwards so the
queues stay as they were. A run adds 2 × rounds + 4 contacts and inquiries of the bench agents."""

from __future__ import annotations

import random
import time
from functools import partial

from sqlalchemy import update
from sqlmodel import Session, col, select

from crmterm.bench import registration_raw, registration_setup
from crmterm.bench.registration_setup import TOPICS, Setup
from crmterm.bench.timing import percentile
from crmterm.services.accounts.permissions import Actor
from crmterm.services.inquiries.registration import ContactDraft, Registered, register
from crmterm.services.platform.transactions import in_transaction
from crmterm.store import Contact, Inquiry
from crmterm.store.db import engine_for, unit_of_work
from crmterm.workflow.engine import OPEN


def measure_registration(url: str, *, rounds: int = 300, rng: random.Random) -> dict[str, float]:
    setup = registration_setup.ensure_setup(url)
    drafts = _drafts(url, setup, rounds, rng)
    actor = setup.actor(0)
    try:
        with unit_of_work(url) as session:  # also warms the caches (compiled rules, statements)
            plan = registration_raw.plan(session, actor, _one_per_topic(url, setup, rng))
        timings = []
        for draft in drafts:
            started = time.perf_counter()
            in_transaction(url, partial(_register, actor=actor, draft=draft))
            timings.append(time.perf_counter() - started)
        raw = _raw_rate(url, plan, setup, drafts)
    finally:
        cancel_bench_inquiries(url, setup)
    return {"register_1_inquiry_5_attrs_p50_ms": percentile(timings, 50) * 1000,
            "register_1_inquiry_5_attrs_p95_ms": percentile(timings, 95) * 1000,
            "register_per_s": len(timings) / sum(timings), "register_raw_per_s": raw}


def _register(session: Session, *, actor: Actor, draft: ContactDraft) -> Registered:
    return register(session=session, actor=actor, draft=draft)


def _drafts(url: str, setup: Setup, count: int, rng: random.Random) -> list[ContactDraft]:
    with unit_of_work(url) as session:
        customers = registration_setup.customers(session, setup, count, rng)
    return [registration_setup.draft(rng, setup, customer) for customer in customers]


def _one_per_topic(url: str, setup: Setup, rng: random.Random) -> dict[str, ContactDraft]:
    with unit_of_work(url) as session:
        customers = registration_setup.customers(session, setup, len(TOPICS), rng)
    return {topic: registration_setup.draft(rng, setup, customer, topic)
            for topic, customer in zip(TOPICS, customers, strict=True)}


def _raw_rate(url: str, plan: registration_raw.Plan, setup: Setup, drafts: list[ContactDraft]) -> float:
    engine = engine_for(url)
    connection = engine.raw_connection()
    try:
        writer = registration_raw.RawWriter(connection, engine.dialect, plan, setup.actor(0))
        started = time.perf_counter()
        for draft in drafts:
            writer.register(draft)
        return len(drafts) / (time.perf_counter() - started)
    finally:
        connection.close()


def cancel_bench_inquiries(url: str, setup: Setup) -> None:
    """The bench agents' open inquiries leave the queues (cancelled, not deleted: their events are history)."""
    agents = [user_id for _login, user_id in setup.agents]
    with unit_of_work(url) as session:
        session.execute(update(Inquiry).where(
            col(Inquiry.contact_id).in_(select(Contact.id).where(col(Contact.operator_id).in_(agents))),
            col(Inquiry.state).in_(sorted(OPEN))).values(state="cancelled"))
