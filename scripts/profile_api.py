"""Registrations per second through the HTTP API: `POST /contacts` from 16 concurrent clients against
`crmterm serve --workers N`, on a data set built or reused by the benchmark's `dataset.ensure`.

Only the registration (and search) figures of `crmterm bench` — its `measure_api`, used as is — without the
rest of the bench:

    PYTHONPATH=. python scripts/profile_api.py --db postgresql://USER@HOST:PORT/DB \
        --customers 20000 --inquiries 50000 [--rounds 600] [--workers 2]
"""

from __future__ import annotations

import argparse
import random

from crmterm.bench import dataset
from crmterm.bench.api import measure_api


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--inquiries", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=600)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    dataset.ensure(args.db, args.customers, args.inquiries)
    figures = measure_api(args.db, rounds=args.rounds, rng=random.Random(1), workers=args.workers)
    print(f"api_register_per_s {figures['api_register_per_s']:.0f} ({args.workers} workers, "
          f"{figures['api_clients']} clients); api_search_p95_ms {figures['api_search_p95_ms']:.1f}")


if __name__ == "__main__":
    main()
