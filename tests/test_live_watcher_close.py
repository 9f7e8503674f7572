"""Closing a live watcher while a thread worker polls it (what a screen does when it is unmounted in the middle
of a poll). Unguarded, closing the sqlite3 connection under a running `PRAGMA data_version` crashed the
process with a segmentation fault — once in CI, taking a pytest worker down. The race runs in a child process,
so a regression fails this test instead of killing the run; on both databases."""

from __future__ import annotations

import subprocess
import sys
import textwrap

RACE = textwrap.dedent("""
    import sys, threading
    from crmterm.services.routing import live

    url, rounds, closed_while_polling = sys.argv[1], int(sys.argv[2]), 0
    for round_ in range(rounds):
        watcher = live.watcher(url)
        polling, stop = threading.Event(), threading.Event()

        def poll():
            while not stop.is_set():
                watcher.changed()
                polling.set()

        thread = threading.Thread(target=poll)
        thread.start()
        polling.wait(5)
        watcher.close()  # while the poll loop runs on
        closed_while_polling += thread.is_alive()
        assert watcher.changed() is False, "a closed watcher reports no change"
        stop.set()
        thread.join(5)
        assert not thread.is_alive()
    print(closed_while_polling)
""")


def test_closing_a_watcher_while_it_is_polled_is_safe(db_url):
    rounds = 150 if db_url.startswith("sqlite") else 30  # PostgreSQL's poll waits 50 ms per round
    done = subprocess.run([sys.executable, "-c", RACE, db_url, str(rounds)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr[-2000:]}"
    assert int(done.stdout) == rounds, "every close happened while the poll thread was running"
