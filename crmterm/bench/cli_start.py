"""How long a script waits for one `crmterm` call: process start to exit of `crmterm --help` and of a
`crmterm customer search` on the bench's database, median of RUNS fresh processes each.

Nothing may be warm from the caller, so each call is a new interpreter (`python -m crmterm`, what the entry
point runs). One call of each before timing: it leaves Python's compiled bytecode behind as an installed
package has it, even where PYTHONDONTWRITEBYTECODE is set for development (then every start would compile
crmterm's modules, a cost no installed copy pays)."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = 5
TIMEOUT_S = 60.0
SEARCH_TEXT = "Ivan"  # a name synthetic customers have at every size (services/platform/synthetic.py)


def measure_cli(url: str) -> dict[str, float]:
    home = tempfile.mkdtemp(prefix="crmterm-bench-cli-")  # never the user's config or database
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env |= {"CRMTERM_HOME": home, "CRMTERM_DATABASE_URL": url}
    env.pop("CRMTERM_USER", None)  # the system account of the schema owner's connection, as the bench acts
    try:
        return {"cli_help_s": _median(["--help"], env),
                "cli_search_s": _median(["customer", "search", SEARCH_TEXT], env)}
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _median(args: list[str], env: dict[str, str]) -> float:
    _run(args, env)  # warm-up, not timed: bytecode written, file-system caches filled
    return round(statistics.median(_run(args, env) for _ in range(RUNS)), 3)


def _run(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "crmterm", *args], env=env, capture_output=True, text=True,
                          timeout=TIMEOUT_S)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-20:])
        raise RuntimeError(f"`crmterm {' '.join(args)}` failed (exit {done.returncode}):\n{tail}")
    return elapsed
