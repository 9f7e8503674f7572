"""How fast the TUI starts and how much memory it holds once an agent works a queue.

The parent times a fresh interpreter (`CRMTERM_PASSWORD=… python -m crmterm.bench.tui URL LOGIN`): imports, Textual's
start-up and the log-in screen are what a user waits for, so nothing may be warm from the caller. The probe
runs the app headless, prints one JSON line when done, and the parent turns it into figures.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = 3
TIMEOUT_S = 60.0
WAIT_S = 45.0  # the probe's own limit per step: a clear message before the parent's hard kill


def measure_tui(url: str, *, login: str = "supervisor", password: str = "supervisor") -> dict[str, float]:
    """Median over RUNS fresh processes of: spawn → log-in screen ready; resident memory with Queues loaded."""
    from crmterm.store import migrate

    # The app migrates an outdated SQLite file on start: a benchmark must measure the database, not change it
    if migrate.needs_upgrade(url):
        raise RuntimeError(f"{url} is not at the current schema; run `crmterm db upgrade` on it first")
    runs = [_spawn_probe(url, login, password) for _ in range(RUNS)]
    return {"tui_start_s": round(statistics.median(r["start_s"] for r in runs), 3),
            "tui_rss_mb": round(statistics.median(r["rss_mb"] for r in runs), 1)}


def _spawn_probe(url: str, login: str, password: str) -> dict[str, float]:
    home = tempfile.mkdtemp(prefix="crmterm-bench-tui-")  # the probe must never touch the user's config
    env = {**os.environ, "CRMTERM_HOME": home, "CRMTERM_PASSWORD": password}  # never in argv (ps shows it)
    try:
        started = time.time()  # wall clock: the probe stamps readiness with the same clock
        try:
            done = subprocess.run([sys.executable, "-m", "crmterm.bench.tui", url, login], env=env,
                                  capture_output=True, text=True, timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired as error:
            raise RuntimeError(f"TUI probe timed out after {TIMEOUT_S:.0f} s:\n{_tail(error.stderr)}") from None
        report = _report_of(done.stdout) if done.returncode == 0 else None
        if report is None:
            raise RuntimeError(f"TUI probe failed (exit {done.returncode}):\n{_tail(done.stderr or done.stdout)}")
        return {"start_s": report["ready_at"] - started, "rss_mb": report["rss_mb"]}
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _report_of(stdout: str) -> dict | None:
    """The last JSON line (anything a library printed before it is ignored)."""
    for line in reversed(stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return None


def _tail(text: str | bytes | None, lines: int = 20) -> str:
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return "\n".join((text or "").strip().splitlines()[-lines:]) or "(no output)"


# --- the probe: runs in the child process ----------------------------------------------------------------
def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        kb = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    return kb / 1024


async def _until(ready, what: str, step: float = 0.002) -> None:
    """Poll the app's state; a short sleep lets the app's own loop run in between (same event loop)."""
    import asyncio

    deadline = time.monotonic() + WAIT_S
    while not ready():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what}")
        await asyncio.sleep(step)


async def _workers_idle(pilot) -> None:
    """Wait out every worker, again until none is left: one worker's answer often starts the next (queue
    counts → first page). The live watcher's once-a-second poll never ends, so it is not waited for."""
    from textual.worker import WorkerCancelled, WorkerFailed

    while True:
        await pilot.pause()
        busy = [w for w in pilot.app.workers if not w.is_finished and w.group != "queue-watch"]
        if not busy:
            return
        for worker in busy:
            try:
                await worker.wait()
            except (WorkerCancelled, WorkerFailed):
                pass  # a newer exclusive worker replaced it, or the error is shown in the app


async def _probe(url: str, login: str, password: str) -> dict:
    from textual.widgets import Button, Input, Static, TabbedContent

    from crmterm.app import make_app
    from crmterm.screens.shell.login import LoginScreen
    from crmterm.settings import resolve

    # Only CRMTERM_HOME is seen: the caller's CRMTERM_LANG/USER/config must not change what is measured
    app = make_app(resolve(db=url, lang="en", environ={"CRMTERM_HOME": os.environ["CRMTERM_HOME"]}))
    async with app.run_test(headless=True, size=(120, 36)) as pilot:
        await _until(lambda: isinstance(app.screen, LoginScreen) and app.focused is not None
                     and app.focused.id == "login", "the log-in screen")
        ready_at = time.time()
        # Only now: the app itself loads the workspace after the log-in screen is up, as a user's start does
        from crmterm.screens.queues.queues import QueuesPanel
        from crmterm.screens.shell.workspace import WorkspaceScreen

        screen = app.screen
        assert isinstance(screen, LoginScreen)  # waited for above
        await _until(lambda: not screen.query_one("#submit", Button).disabled, "the database")
        screen.query_one("#login", Input).value = login  # set, not typed: any password works
        screen.query_one("#password", Input).value = password
        screen.submit()
        await _until(lambda: isinstance(app.screen, WorkspaceScreen)
                     or not screen.query_one("#submit", Button).disabled, "the log-in")
        if not isinstance(app.screen, WorkspaceScreen):
            raise RuntimeError(f"log-in failed: {screen.query_one('#login-error', Static).content}")
        await _until(lambda: app.screen.query("TabbedContent")
                     and app.screen.query_one("TabbedContent", TabbedContent).active,
                     "the workspace")
        if not app.screen.query("TabPane#queues"):
            raise RuntimeError(f"user {login!r} has no Queues tab")
        # As a person would: F11 once the workspace has settled (its first tab and the template are in);
        # a key pressed before that can be overtaken by the initial tab.
        await _workers_idle(pilot)
        await pilot.press("f11")
        await _until(lambda: app.screen.query_one("TabbedContent", TabbedContent).active == "queues",
                     "the Queues tab")
        await _workers_idle(pilot)
        panel = app.screen.query_one(QueuesPanel)
        report = {"ready_at": ready_at, "rss_mb": _rss_mb(), "rows": panel.table.row_count}
    return report  # printed only after the app has exited: Textual owns stdout while it runs


if __name__ == "__main__":
    import asyncio

    if len(sys.argv) != 3 or "CRMTERM_PASSWORD" not in os.environ:
        sys.exit("usage: CRMTERM_PASSWORD=… python -m crmterm.bench.tui URL LOGIN")
    print(json.dumps(asyncio.run(_probe(sys.argv[1], sys.argv[2], os.environ["CRMTERM_PASSWORD"]))), flush=True)
