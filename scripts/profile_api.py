"""Registrations per second through the HTTP API: `POST /contacts` from 16 concurrent clients against
`crmterm serve --workers N`, on a data set built or reused by the benchmark's `dataset.ensure`.

Only the registration figure of `crmterm bench` (its `measure_api`, used as is), without the rest of the bench:

    PYTHONPATH=. python scripts/profile_api.py --db postgresql://USER@HOST:PORT/DB \
        --customers 20000 --inquiries 50000 [--rounds 600] [--workers 2]

With `--profile DIR` every server worker writes a cProfile file into DIR when it stops
(CRMTERM_PROFILE_DIR is read by this script's sitecustomize hook only, never by crmterm), and the top list of
all of them together is printed.
"""

from __future__ import annotations

import argparse
import os
import pstats
import random
import sys
import tempfile
from pathlib import Path

from crmterm.bench import dataset
from crmterm.bench.api import measure_api

_HOOK = """
import atexit, cProfile, os
_profile = cProfile.Profile()
_profile.enable()
atexit.register(lambda: (_profile.disable(), _profile.dump_stats(
    os.path.join(os.environ["CRMTERM_PROFILE_DIR"], f"worker-{os.getpid()}.prof"))))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--inquiries", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=600)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--profile", help="directory for the server workers' cProfile files")
    args = parser.parse_args()
    dataset.ensure(args.db, args.customers, args.inquiries)
    if args.profile:
        _install_hook(Path(args.profile))
    figures = measure_api(args.db, rounds=args.rounds, rng=random.Random(1), workers=args.workers)
    print(f"api_register_per_s {figures['api_register_per_s']:.0f} ({args.workers} workers, "
          f"{figures['api_clients']} clients); api_search_p95_ms {figures['api_search_p95_ms']:.1f}")
    if args.profile:
        files = [str(p) for p in Path(args.profile).glob("worker-*.prof")]
        if files:
            stats = pstats.Stats(*files).strip_dirs()
            for order in ("cumulative", "tottime"):
                stats.sort_stats(order).print_stats(40)


def _install_hook(directory: Path) -> None:
    """A sitecustomize module on the server's PYTHONPATH: each worker profiles itself until it exits."""
    directory.mkdir(parents=True, exist_ok=True)
    hook = Path(tempfile.mkdtemp(prefix="crmterm-profile-hook-"))
    (hook / "sitecustomize.py").write_text(_HOOK, encoding="utf-8")
    os.environ["CRMTERM_PROFILE_DIR"] = str(directory)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(hook), os.environ.get("PYTHONPATH")]))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
