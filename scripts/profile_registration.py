"""Profile contact registration: committed registrations per second and where the time goes.

Builds (or reuses) a data set with the benchmark's `dataset.ensure` (the demo configuration plus synthetic
customers and inquiries; a second run with the same sizes reuses it), then registers N varied drafts — demo
topics chosen at random, each with a value for every attribute of its form, for random customers — each in
its own committed unit of work, exactly as `crmterm contact register` does (`in_transaction` around
`external_events.register`, as the demo agent). Prints the rate, p50/p95 per registration, and a cProfile
top list by cumulative and by own time (the profiled run is a second, separate pass: profiling slows it).

    PYTHONPATH=. python scripts/profile_registration.py --db sqlite:////tmp/prof.db \
        --customers 100000 --inquiries 100000 -n 500 [--top 40] [--no-profile] [--sql]

`--sql` counts the statements one registration sends (SQLAlchemy's before_cursor_execute) and lists them.
The drafts of a topic that does not register (a rule the generated values break) are left out, so the run
measures successful registrations only. Nothing here is used by crmterm itself.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import statistics
import time
from collections import Counter

from sqlalchemy import event, select

from crmterm.bench import dataset
from crmterm.services.accounts import auth
from crmterm.services.inquiries import external_events
from crmterm.services.inquiries.drafts import ContactDraft
from crmterm.services.topics.attribute_forms import effective_attributes
from crmterm.store import Dictionary, DictionaryItem, Party, Topic
from crmterm.store.db import engine_for, in_transaction, unit_of_work

SAMPLE_VALUES = {"date": "2026-11-27", "datetime": "2026-11-27T10:00:00", "decimal": "150.50", "integer": "3",
                 "bool": "true", "string": "profile", "text": "profile"}


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite:////tmp/crmterm-profile.db")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--inquiries", type=int, default=100_000)
    parser.add_argument("-n", type=int, default=500, help="registrations per pass")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--login", default="agent")
    parser.add_argument("--password", default="agent")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--sql", action="store_true", help="count and list one registration's statements")
    return parser.parse_args()


def _values_for(session, actor, topic: str) -> dict[str, str]:
    values = {}
    for group in effective_attributes(session=session, actor=actor, topic=topic).groups:
        for f in group.fields:
            if f.readonly != "false" or f.hidden != "false":  # a value typed into these is refused
                continue
            if f.dictionary:
                item = session.execute(select(DictionaryItem.code)
                                       .join(Dictionary, Dictionary.id == DictionaryItem.dictionary_id)
                                       .where(Dictionary.code == f.dictionary, DictionaryItem.active.is_(True))
                                       .limit(1)).scalar()
                if item:
                    values[f.code] = item
            elif f.type in SAMPLE_VALUES and not f.pattern and not f.query:
                values[f.code] = SAMPLE_VALUES[f.type]
    return values


def _drafts(url: str, actor, count: int, rng: random.Random) -> list[ContactDraft]:
    """Varied drafts that register: each demo topic tried once (rolled back), the good ones drawn at random."""
    with unit_of_work(url) as session:
        topics = session.execute(select(Topic.code).where(Topic.is_group.is_(False), Topic.active.is_(True))).scalars()
        candidates = {code: _values_for(session, actor, code) for code in topics}
        top_party = session.execute(select(Party.id).order_by(Party.id.desc()).limit(1)).scalar() or 1
    good = {}
    for code, values in candidates.items():
        draft = _draft(code, values, 1)
        try:
            with unit_of_work(url) as session:
                external_events.register(session=session, actor=actor, draft=draft)
                session.rollback()
            good[code] = values
        except Exception as error:  # noqa: BLE001 - a topic the sample values do not satisfy is skipped
            print(f"skipped topic {code}: {error}")
    codes = sorted(good)
    return [_draft(code, good[code], rng.randint(1, top_party)) for code in (rng.choice(codes) for _ in range(count))]


def _draft(topic: str, values: dict, customer: int) -> ContactDraft:
    return ContactDraft(customer=customer, direction="in", text="profile",
                        inquiries=[{"topic": topic, "values": values, "text": "profile"}])


def _run(url: str, actor, drafts: list[ContactDraft]) -> tuple[list[float], float]:
    """Wall time of each registration, and the process's CPU time for all of them (on a shared, loaded
    machine the CPU figure is the steadier one; on SQLite it is nearly all the cost)."""
    timings, cpu = [], time.process_time()
    for draft in drafts:
        started = time.perf_counter()
        in_transaction(url, lambda session, d=draft: external_events.register(session=session, actor=actor, draft=d))
        timings.append(time.perf_counter() - started)
    return timings, time.process_time() - cpu


def _report(label: str, run: tuple[list[float], float]) -> None:
    timings, cpu = run
    ordered = sorted(timings)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    print(f"{label}: {len(timings)} registrations, {len(timings) / sum(timings):.0f}/s committed "
          f"(wall), {len(timings) / cpu:.0f}/s by this process's CPU time, "
          f"p50 {statistics.median(timings) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms")


def _statements(url: str, actor, drafts: list[ContactDraft]) -> None:
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        seen.append(" ".join(statement.split())[:140])

    engine = engine_for(url)
    event.listen(engine, "before_cursor_execute", count)
    try:
        _run(url, actor, drafts)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    print(f"\n{len(drafts)} registrations send {len(seen)} statements:")
    for statement, times in Counter(seen).most_common():
        print(f"{times:4d}  {statement}")


def main() -> None:
    args = _arguments()
    started = time.perf_counter()
    built = dataset.ensure(args.db, args.customers, args.inquiries)
    print(f"data set ready in {time.perf_counter() - started:.1f} s ({built})")
    actor = auth.authenticate(url=args.db, login=args.login, password=args.password)
    rng = random.Random(1)
    drafts = _drafts(args.db, actor, args.n * 2 + 20, rng)
    _run(args.db, actor, drafts[:20])  # warm up: compiled statements and rules, pooled connections
    _report("plain", _run(args.db, actor, drafts[20:20 + args.n]))
    if args.sql:
        _statements(args.db, actor, drafts[-10:])
    if args.no_profile:
        return
    profile = cProfile.Profile()
    profile.enable()
    _run(args.db, actor, drafts[20 + args.n:20 + 2 * args.n])
    profile.disable()
    stats = pstats.Stats(profile).strip_dirs()
    for order in ("cumulative", "tottime"):
        print(f"\n--- top {args.top} by {order} ---")
        stats.sort_stats(order).print_stats(args.top)


if __name__ == "__main__":
    main()
