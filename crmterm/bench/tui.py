"""How fast the TUI is ready, how fast the workspace shows a queue, and how much memory it then holds.

The parent times a fresh interpreter (`CRMTERM_PASSWORD=… python -m crmterm.bench.tui URL LOGIN`): imports, Textual's
start-up and the log-in screen are what a user waits for, so nothing may be warm from the caller. The probe
runs the app headless, prints one JSON line when done, and the parent turns it into figures:

- `tui_ready_s`: process start → a log-in would be served. The log-in screen is drawn before the database is
  touched; the app's `prepare_database` worker then connects, checks the schema (migrating an outdated SQLite
  file), looks for users and loads the workspace's modules, and only then sets `app.database_ready` and
  enables the Log in button (LoginScreen.submit ignores a press before that). The probe stops the clock on
  that signal, with the log-in field focused: what a user can do at that moment is log in.
- `tui_ready_cpu_s`: the probe's CPU time at that moment; on a machine shared with other work it tells the
  start-up's own cost from the wait for a core.
- `tui_workspace_s`: log-in pressed → the Queues tab (F11, pressed once the workspace has settled, as a person
  would) shows rows read from the database: the password check, the workspace, its first tab, the queue
  counts and the first page of the first queue.
- `tui_rss_mb`: resident memory at that point.
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
TIMEOUT_S = 240.0  # a shared, loaded machine: one probe took 40 s at load 30
WAIT_S = 180.0  # the probe's own limit per step: a clear message before the parent's hard kill


def measure_tui(url: str, *, login: str = "supervisor", password: str = "supervisor",
                runs: int = RUNS) -> dict[str, float]:
    """Median over `runs` fresh processes, after one untimed (warm: bytecode written, file caches filled, as on
    a workstation that ran crmterm before), of tui_ready_s, tui_workspace_s and tui_rss_mb."""
    from crmterm.store import migrate

    # The app migrates an outdated SQLite file on start: a benchmark must measure the database, not change it
    if migrate.needs_upgrade(url):
        raise RuntimeError(f"{url} is not at the current schema; run `crmterm db upgrade` on it first")
    _spawn_probe(url, login, password)
    found = [_spawn_probe(url, login, password) for _ in range(runs)]
    return {"tui_ready_s": round(statistics.median(r["ready_s"] for r in found), 3),
            "tui_ready_cpu_s": round(statistics.median(r["ready_cpu_s"] for r in found), 3),
            "tui_workspace_s": round(statistics.median(r["workspace_s"] for r in found), 3),
            "tui_rss_mb": round(statistics.median(r["rss_mb"] for r in found), 1)}


def _spawn_probe(url: str, login: str, password: str) -> dict[str, float]:
    home = tempfile.mkdtemp(prefix="crmterm-bench-tui-")  # the probe must never touch the user's config
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}  # see cli_start
    env |= {"CRMTERM_HOME": home, "CRMTERM_PASSWORD": password}  # never in argv (ps shows it)
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
        return {"ready_s": report["ready_at"] - started, "ready_cpu_s": report["ready_cpu_s"],
                "workspace_s": report["workspace_s"],
                "rss_mb": report["rss_mb"]}
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


def _log_in_served(app) -> bool:
    """The app's own readiness: database prepared (`database_ready`, set by its prepare_database worker), the
    Log in button enabled by it, and the log-in field focused for typing."""
    from textual.widgets import Button

    from crmterm.screens.shell.login import LoginScreen

    screen = app.screen
    return (app.database_ready and isinstance(screen, LoginScreen) and screen.ready
            and not screen.query_one("#submit", Button).disabled
            and app.focused is not None and app.focused.id == "login")


async def _probe(url: str, login: str, password: str) -> dict:
    from textual.widgets import Button, Input, Static, TabbedContent

    from crmterm.app import make_app
    from crmterm.screens.shell.login import LoginScreen
    from crmterm.settings import resolve

    # Only CRMTERM_HOME is seen: the caller's CRMTERM_LANG/USER/config must not change what is measured
    app = make_app(resolve(db=url, lang="en", environ={"CRMTERM_HOME": os.environ["CRMTERM_HOME"]}))
    async with app.run_test(headless=True, size=(120, 36)) as pilot:
        await _until(lambda: _log_in_served(app), "the log-in screen with the database ready")
        ready_at, ready_cpu_s = time.time(), time.process_time()
        # Only now: the app itself loaded the workspace's modules while preparing the database
        from crmterm.screens.queues.queues import QueuesPanel
        from crmterm.screens.shell.workspace import WorkspaceScreen

        screen = app.screen
        assert isinstance(screen, LoginScreen)  # waited for above
        screen.query_one("#login", Input).value = login  # set, not typed: any password works
        screen.query_one("#password", Input).value = password
        pressed = time.perf_counter()
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
        if not panel.table.row_count:
            raise RuntimeError(f"the Queues tab of {login!r} shows no inquiries: nothing was read to time")
        report = {"ready_at": ready_at, "ready_cpu_s": ready_cpu_s, "workspace_s": time.perf_counter() - pressed,
                  "rss_mb": _rss_mb(), "rows": panel.table.row_count}
    return report  # printed only after the app has exited: Textual owns stdout while it runs


if __name__ == "__main__":
    import asyncio

    if len(sys.argv) != 3 or "CRMTERM_PASSWORD" not in os.environ:
        sys.exit("usage: CRMTERM_PASSWORD=… python -m crmterm.bench.tui URL LOGIN")
    print(json.dumps(asyncio.run(_probe(sys.argv[1], sys.argv[2], os.environ["CRMTERM_PASSWORD"]))), flush=True)
