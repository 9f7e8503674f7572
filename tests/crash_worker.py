"""A workload for the crash tests (tests/test_crash.py), run in a subprocess that the test SIGKILLs.

    python tests/crash_worker.py register URL TAG [COUNT]   register contacts (forever, or COUNT of them)
    python tests/crash_worker.py import URL FILE            `crmterm customer import FILE`
    python tests/crash_worker.py archive URL                `crmterm archive --older-than 0 --batch 100`
    python tests/crash_worker.py config URL FILE            `crmterm config import FILE`

Each prints `ready` once everything is imported (the test starts its kill clock then), and the registration
loop prints `ok CONTACT_ID` after each commit: those contacts must survive the kill. The other three run the
real CLI in this process, so the kill lands in the code users run.
"""

from __future__ import annotations

import sys

NO_DATA = {"topic": "no_data", "values": {"problem_since": "2026-11-26 10:00", "device_restarted": True}}


def drafts(tag: str, n: int, parent: int | None) -> dict:
    """Three shapes in turn: one routed inquiry; routed + closed at once; three, one a child of an earlier."""
    caller = f"crash-{tag}-{n}"
    if n % 3 == 0:
        return {"caller": caller, "inquiries": [NO_DATA]}
    if n % 3 == 1:
        return {"caller": caller, "inquiries": [NO_DATA, {**NO_DATA, "close": True, "text": "answered"}]}
    child = {**NO_DATA, "parent": parent} if parent else NO_DATA
    return {"caller": caller, "inquiries": [NO_DATA, {**NO_DATA, "close": True}, child]}


def register_loop(url: str, tag: str, count: int | None) -> None:
    from sqlmodel import select

    from crmterm.services.accounts.permissions import Actor, Role
    from crmterm.services.inquiries.registration import ContactDraft, register
    from crmterm.store import User
    from crmterm.store.db import in_transaction, unit_of_work

    with unit_of_work(url) as session:
        agent_id = session.exec(select(User.id).where(User.login == "agent")).one()
    agent = Actor(login="agent", role=Role.AGENT, id=agent_id)
    print("ready", flush=True)
    n, parent = 0, None
    while count is None or n < count:
        draft = ContactDraft.model_validate(drafts(tag, n, parent))
        done = in_transaction(url, lambda session: register(session=session, actor=agent, draft=draft))
        print(f"ok {done.contact_id}", flush=True)
        parent, n = done.inquiry_ids[0], n + 1
    print("done", flush=True)


def run_cli(args: list[str]) -> None:
    from crmterm.cli import app

    print("ready", flush=True)
    try:
        app(args, prog_name="crmterm")
    except SystemExit as exit_:
        if exit_.code not in (0, None):
            raise
    print("done", flush=True)


def cli_args(kind: str, url: str, rest: list[str]) -> list[str]:
    return {"import": ["--db", url, "customer", "import", *rest, "--json"],
            "archive": ["--db", url, "archive", "--older-than", "0", "--batch", "100", "--json"],
            "config": ["--db", url, "config", "import", *rest, "--json"]}[kind]


def main(argv: list[str]) -> None:
    kind, url, *rest = argv
    if kind == "register":
        register_loop(url, rest[0], int(rest[1]) if len(rest) > 1 else None)
    else:
        run_cli(cli_args(kind, url, rest))


if __name__ == "__main__":
    main(sys.argv[1:])
