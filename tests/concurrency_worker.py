"""One agent of tests/test_concurrency.py, as its own process (as agents each run their own crmterm):

    python tests/concurrency_worker.py URL LOGIN SECONDS

(the test forks it instead: `main` with its own `ready` hook). It prints `ready` once imported and connected,
and starts when a line arrives on stdin (so all workers start together). Then for SECONDS: register a contact with an
inquiry routed to first_line, take the next inquiry from first_line, close it — each a unit of work run the
way the CLI runs it (store/db.in_transaction: busy timeout plus bounded retry of the whole transaction).
Prints one JSON line: counts, the ids it registered and took, and every error that reached it, sorted into
lock errors ("database is locked", deadlocks, lock timeouts), conflicts and others."""

from __future__ import annotations

import json
import sys
import time
from collections import Counter

NO_DATA = {"topic": "no_data", "values": {"problem_since": "2026-11-26 10:00", "device_restarted": True}}
LOCKED = ("database is locked", "database table is locked", "deadlock detected", "lock timeout",
          "could not obtain lock", "could not serialize")


def classify(error: Exception) -> str:
    from crmterm.errors import Conflict

    if isinstance(error, Conflict):
        return "conflicts"
    return "lock_errors" if any(word in str(error) for word in LOCKED) else "other_errors"


def on_stdin() -> None:
    print("ready", flush=True)
    sys.stdin.readline()


def main(url: str, login: str, seconds: float, ready=on_stdin) -> dict:
    from sqlmodel import select

    from crmterm.services.inquiries import inquiry_actions

    from crmterm.services.routing import queues
    from crmterm.services.accounts.permissions import Actor, Role
    from crmterm.services.inquiries.registration import ContactDraft, register
    from crmterm.store import User
    from crmterm.store.db import in_transaction, unit_of_work

    with unit_of_work(url) as session:
        actor = Actor(login=login, role=Role.AGENT, id=session.exec(select(User.id).where(User.login == login)).one())
    draft = ContactDraft.model_validate({"caller": login, "inquiries": [NO_DATA]})
    steps = {
        "registered": lambda s: register(session=s, actor=actor, draft=draft).inquiry_ids[0],
        "taken": lambda s: queues.take_next(session=s, actor=actor, queue="first_line"),
    }
    counts: Counter = Counter()
    registered, taken, samples = [], [], []
    ready()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for name, step in steps.items():
            try:
                found = in_transaction(url, step)
            except Exception as error:  # noqa: BLE001 - every error a user would see is counted
                counts[classify(error)] += 1
                samples.append(f"{name}: {type(error).__name__}: {str(error).splitlines()[0][:200]}")
                continue
            if found is None:
                counts["empty"] += 1
                continue
            counts[name] += 1
            (registered if name == "registered" else taken).append(found)
            if name == "taken":
                try:
                    in_transaction(url, lambda s, inquiry=found: inquiry_actions.close(
                        session=s, actor=actor, inquiry_id=inquiry, resolution="fixed by the worker"))
                    counts["closed"] += 1
                except Exception as error:  # noqa: BLE001
                    counts[classify(error)] += 1
                    samples.append(f"close: {type(error).__name__}: {str(error).splitlines()[0][:200]}")
    return {"login": login, **counts, "registered_ids": registered, "taken_ids": taken, "samples": samples[:10]}


if __name__ == "__main__":
    url_, login_, seconds_ = sys.argv[1:4]
    print(json.dumps(main(url_, login_, float(seconds_))), flush=True)
