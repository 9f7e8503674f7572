"""One benchmark run: the data set built or reused, then each measurement — in the transactions the real
operation runs in (a registration commits, each page read is its own transaction), or for the read-only
measurements that still share one, in a transaction rolled back at the end — and one document in the shape
the CLI prints (`--json`) and the docs table reads."""

from __future__ import annotations

import random
from collections.abc import Callable

from crmterm import __version__
from crmterm.bench import api, concurrent, customers, dataset, forms, imports, kb, queues, registration, take
from crmterm.services.accounts.permissions import SYSTEM
from crmterm.store.db import backend, unit_of_work

Note = Callable[[str], None]  # progress lines for a human


def run(url: str, *, customers_n: int, inquiries_n: int, workers: int, rounds: int = 300, seed: int = 11,
        progress: dataset.Progress | None = None, note: Note | None = None, tui: bool = True,
        kb_articles: int = 0, concurrent_seconds: float = 10.0) -> dict:
    note = note or (lambda _text: None)
    built = dataset.ensure(url, customers_n, inquiries_n, progress=progress)
    metrics: dict = {}
    rng = random.Random(seed)
    # the import file: 20,000 rows, or as many as the data set has customers when it is smaller (a small test
    # set measures the same path without paying for a large file)
    # and the take-next race: 2,000 queued copies, or a fifth of the inquiries of a small set (a test's)
    steps = _steps(url, rounds, rng, workers, tui, concurrent_seconds, min(20_000, max(2_000, customers_n)),
                   take_inquiries=min(2_000, max(200, inquiries_n // 5)))
    if kb_articles:
        steps.append(("knowledge-base search", lambda: kb.measure(url, kb_articles, rounds, rng, progress)))
    for title, measure in steps:
        note(title)
        metrics |= measure()
    from crmterm.bench import machine

    return {"backend": backend(url), "customers": customers_n, "inquiries": inquiries_n, "version": __version__,
            "built": {"customers": built.built_customers, "inquiries": built.built_inquiries},
            "machine": machine.facts(url),
            "metrics": metrics}


def _steps(url: str, rounds: int, rng: random.Random, workers: int, tui: bool,
           concurrent_seconds: float, import_rows: int = 20_000, take_inquiries: int = 2_000
           ) -> list[tuple[str, Callable]]:
    def in_unit(measure: Callable) -> Callable:
        def run_it() -> dict:
            with unit_of_work(url) as session:
                found = measure(session)
                session.rollback()  # every measurement leaves the data set as it found it
                return found
        return run_it

    steps = [
        ("customer search", in_unit(lambda s: customers.measure_search(s, SYSTEM, rounds, rng))),
        ("customer card", in_unit(lambda s: customers.measure_card(s, SYSTEM, rounds, rng))),
        ("registration", lambda: registration.measure_registration(url, rounds=rounds, rng=rng)),
        ("queue pages", lambda: queues.measure_queue_pages(url, actor=SYSTEM, rounds=rounds)),
        ("topic report, one month", in_unit(lambda s: queues.measure_topic_month(session=s))),
        ("take-next", lambda: take.measure_take_next(url, workers=workers, inquiries=take_inquiries)),
        ("concurrent registration", lambda: concurrent.measure_concurrent(url, workers=workers,
                                                                          seconds=concurrent_seconds)),
        ("API: registrations and searches", lambda: api.measure_api(url, rounds=rounds, rng=rng)),
        ("customer import", lambda: imports.measure_import(url=url, actor=SYSTEM, count=import_rows)),
        ("topic forms and rules", lambda: forms.measure_forms(url, actor=SYSTEM, rounds=rounds, rng=rng)),
    ]
    from crmterm.bench import sales as sales_bench

    steps.append(("quote pricing, 30 items", in_unit(lambda s: sales_bench.measure_quote_pricing(s, rounds, rng))))
    from crmterm.bench import reports as report_bench

    steps.append(("standard reports, one month", lambda: report_bench.measure_reports(url)))
    from crmterm.bench import cli_start

    steps.append(("command-line start", lambda: cli_start.measure_cli(url)))
    if tui:
        from crmterm.bench import tui as tui_bench

        steps.append(("TUI start and memory", lambda: tui_bench.measure_tui(url)))
    return steps
