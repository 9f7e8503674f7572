"""Crash safety (issue 12, item 6): registration, customer import, archiving and config import run in a
process of their own (tests/crash_worker.py, forked from the test) that is SIGKILLed at a random moment;
then the database must be sound (tests/crash_checks.py: integrity_check, foreign keys, nothing half-written),
every commit the worker reported must be there, each all-or-nothing unit must be all or nothing, and running
the workload again on the same database must complete it without duplicates.

By default 8 trials on SQLite and 4 on PostgreSQL; `--crash-trials=N` runs N on each (split over the four
workloads). The kill delays come from a seeded RNG: `CRMTERM_CRASH_SEED=S` replays a failing run."""

from __future__ import annotations

import json
import os
import random
import multiprocessing
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import insert, text
from sqlmodel import select

import crash_checks
from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.inquiries.registration import ContactDraft, register
from conftest import owner_url
from crmterm.store import Inquiry, User
from crmterm.store.db import sqlite_path, unit_of_work
from crash_worker import NO_DATA, cli_args, register_loop
from crash_worker import main as worker_main

pytestmark = pytest.mark.xdist_group("processes")  # one worker: these compete for CPU with each other

SEED = int(os.environ.get("CRMTERM_CRASH_SEED") or time.time_ns() % 1_000_000)
KINDS = ("register", "import", "archive", "config")
DEFAULT_TRIALS = {"sqlite": 8, "postgresql": 4}
# Seconds from `ready` to the end of a run: first a guess, then what the last complete run took (the kill
# comes at a uniform random moment of 1.2 times that, so it lands anywhere in the run on a loaded machine too).
ESTIMATE = {"register": 0.5, "import": 0.4, "archive": 0.4, "config": 0.4}
PARTIES, CONTRACTS, CHANNELS, ARCHIVE_FILL = 400, 30, 100, 600
TALLY: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # backend -> [trials, integrity failures, killed]


@pytest.fixture(scope="module", autouse=True)
def summary(request):
    yield
    show(request, [f"crash trials {backend}: {trials} trials, {failures} integrity failures, {killed} killed "
                   f"mid-run (seed {SEED})" for backend, (trials, failures, killed) in sorted(TALLY.items())])


def show(request, lines: list[str]) -> None:
    """Past pytest's output capture: the figures belong in the run's log even when everything passed."""
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        for line in lines:
            print(f"\n{line}", end="", flush=True)


def trial_count(config, backend: str, kind: str) -> int:
    total = config.getoption("--crash-trials") or DEFAULT_TRIALS[backend]
    base, extra = divmod(total, len(KINDS))
    return base + (KINDS.index(kind) < extra)


def as_system(args: list[str]) -> list[str]:
    """The CLI workloads act as the system account: on PostgreSQL through the owner role (issue 20)."""
    return args if args[0] == "register" else [args[0], owner_url(args[1]), *args[2:]]


class Run:
    """One worker process, forked from this one (the imports are done, so a trial pays no interpreter
    start-up), its stdout lines collected as they come."""

    kills = 0
    completed: dict[str, int] = defaultdict(int)

    def __init__(self, args: list[str], home: Path) -> None:
        args = as_system(args)
        self.kind, self.seconds = args[0], 0.0
        read_end, write_end = os.pipe()
        self.process = multiprocessing.get_context("fork").Process(target=_child, args=(args, home, write_end))
        self.process.start()
        os.close(write_end)
        self.stream = os.fdopen(read_end, encoding="utf-8")
        self.lines: list[str] = []
        self.ready = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        with self.stream:
            for line in self.stream:
                self.lines.append(line.strip())
                if line.strip() == "ready":
                    self.ready.set()
        self.ready.set()

    def kill_after(self, fraction: float) -> bool:
        """SIGKILL `fraction` of the expected run time after `ready`; True if it finished by itself first."""
        assert self.ready.wait(60), "worker never got ready"
        started = time.monotonic()
        self.process.join(fraction * ESTIMATE[self.kind])
        if self.process.exitcode is None:
            self.process.kill()  # SIGKILL
            self.process.join()
            self.reader.join(10)
            Run.kills += 1
            return False
        self._finished(started)
        return True

    def _finished(self, started: float) -> None:
        self.process.join(300)
        assert self.process.exitcode == 0, f"{self.kind} worker exited with {self.process.exitcode}"
        self.seconds = time.monotonic() - started
        self.reader.join(10)
        assert "done" in self.lines
        Run.completed[self.kind] += 1
        if self.kind != "register":
            ESTIMATE[self.kind] = self.seconds


def _child(args: list[str], home: Path, write_end: int) -> None:
    from crmterm.store import db

    for engine in db._engines.values():
        engine.dispose(close=False)  # the parent's pooled connections: not ours to use, nor to close
    db._engines.clear()
    os.environ["CRMTERM_HOME"] = str(home)
    sys.stdout = os.fdopen(write_end, "w", buffering=1, encoding="utf-8")
    worker_main(args)


def complete(args: list[str], home: Path) -> None:
    """Run a workload to the end in this process (no interpreter start-up to pay): the re-run after a kill."""
    from typer.testing import CliRunner

    from crmterm.cli import app

    kind, url, *rest = as_system(args)
    started = time.monotonic()
    if kind == "register":
        register_loop(url, rest[0], int(rest[1]))
    else:
        result = CliRunner().invoke(app, cli_args(kind, url, rest), env={"CRMTERM_HOME": str(home)})
        assert result.exit_code == 0, result.output
        ESTIMATE[kind] = time.monotonic() - started
    Run.completed[kind] += 1


def trial(url: str, kind: str, backend: str, number: int, rnd: random.Random, tmp: Path) -> list[str]:
    """One kill and its checks; returns what broke (with the replay seed)."""
    tag = f"{number}"
    workload = {"register": _register, "import": _import, "archive": _archive, "config": _config}[kind]
    try:
        broken = workload(url, tag, rnd.uniform(0.0, 1.2), tmp)
    except AssertionError as error:
        broken = [f"assertion: {error}"]
    broken += crash_checks.problems(url)
    return [f"{kind}/{backend} trial {number} (CRMTERM_CRASH_SEED={SEED}): {p}" for p in broken]


@pytest.mark.parametrize("kind", KINDS)
def test_killed_workload_leaves_a_sound_database(request, demo_url, kind, tmp_path):
    backend = "sqlite" if sqlite_path(demo_url) else "postgresql"
    trials = trial_count(request.config, backend, kind)
    if kind == "archive":
        fill_closed(demo_url, ARCHIVE_FILL)
    failures: list[str] = []
    completed = Run.completed[kind]
    for number in range(trials):
        rnd = random.Random(f"{SEED}-{kind}-{backend}-{number}")
        kills = Run.kills
        broken = trial(demo_url, kind, backend, number, rnd, tmp_path)
        TALLY[backend][0] += 1
        TALLY[backend][1] += bool(broken)
        TALLY[backend][2] += Run.kills - kills
        failures += broken
    assert not failures, "\n".join(failures)
    # still usable: the workload runs to completion on the database the kills left behind
    if kind in ("register", "archive") or Run.completed[kind] == completed:  # (import, config: re-ran already)
        assert not {"register": lambda: complete(["register", demo_url, "final", "20"], tmp_path),
                    "import": lambda: _import(demo_url, "final", None, tmp_path),
                    "archive": lambda: complete(["archive", demo_url], tmp_path),
                    "config": lambda: _config(demo_url, "final", None, tmp_path)}[kind]()
    assert crash_checks.problems(demo_url) == []


# --- the four workloads: run, kill, check what the kill may and may not leave ------------------------

def _register(url: str, tag: str, fraction: float, tmp: Path) -> list[str]:
    run = Run(["register", url, tag], tmp)
    run.kill_after(fraction)
    reported = [int(line.split()[1]) for line in run.lines if line.startswith("ok ")]
    stored = crash_checks.scalar(url, "SELECT COUNT(*) FROM contact WHERE caller LIKE :p", p=f"crash-{tag}-%")
    missing = crash_checks.scalar(url, "SELECT :n - COUNT(*) FROM contact WHERE id IN (%s)" % (
        ",".join(map(str, reported)) or "0"), n=len(reported))
    broken = [f"{missing} committed contacts lost"] if missing else []
    if not len(reported) <= stored <= len(reported) + 1:  # one may have committed just before the kill
        broken.append(f"{stored} contacts stored, {len(reported)} reported")
    return broken


def _import(url: str, tag: str, fraction: float | None, tmp: Path) -> list[str]:
    """A kill leaves the import done or not at all (one transaction); a re-run then completes it."""
    file = tmp / f"customers-{tag}.jsonl"
    lines = [{"type": "party", "ref": f"r{n}", "name": f"Crash {tag} {n}", "email": f"c{tag}.{n}@example.com"}
             for n in range(PARTIES)]
    lines += [{"type": "contract", "number": f"CR{tag}-{n}", "party": f"r{n}"} for n in range(CONTRACTS)]
    lines += [{"type": "contact_person", "name": f"Person {n}", "party": f"r{n}"} for n in range(CONTRACTS)]
    file.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    if fraction is not None:
        Run(["import", url, str(file)], tmp).kill_after(fraction)
        broken = _import_state(url, tag, allowed=(0, PARTIES))
        if broken or _parties(url, tag) == PARTIES:
            return broken
    complete(["import", url, str(file)], tmp)
    return _import_state(url, tag, allowed=(PARTIES,))


def _parties(url: str, tag: str) -> int:
    return crash_checks.scalar(url, "SELECT COUNT(*) FROM party WHERE display_name LIKE :p", p=f"Crash {tag} %")


def _import_state(url: str, tag: str, allowed: tuple[int, ...]) -> list[str]:
    parties = _parties(url, tag)
    contracts = crash_checks.scalar(url, "SELECT COUNT(*) FROM contract WHERE number LIKE :p", p=f"CR{tag}-%".upper())
    persons = crash_checks.scalar(url, "SELECT COUNT(*) FROM contact_person p JOIN party y ON y.id = p.party_id "
                                       "WHERE y.display_name LIKE :p", p=f"Crash {tag} %")
    whole = parties in allowed and (contracts, persons) == ((CONTRACTS,) * 2 if parties else (0, 0))
    return [] if whole else [f"import half done: {parties} parties, {contracts} contracts, {persons} persons"]


def _archive(url: str, tag: str, fraction: float, tmp: Path) -> list[str]:
    """Each batch is a transaction: every filled inquiry stays exactly once, live or archived."""
    if _live_closed(url) < 300:
        fill_closed(url, ARCHIVE_FILL)
    before = _filled(url)
    Run(["archive", url], tmp).kill_after(fraction)
    after = _filled(url)
    return [] if after == before else [f"inquiries live + archived went from {before} to {after}"]


def _live_closed(url: str) -> int:
    return crash_checks.scalar(url, "SELECT COUNT(*) FROM inquiry WHERE state = 'closed'")


def _filled(url: str) -> int:
    return crash_checks.scalar(url, "SELECT (SELECT COUNT(*) FROM inquiry) + (SELECT COUNT(*) FROM inquiry_archive)")


def _config(url: str, tag: str, fraction: float | None, tmp: Path) -> list[str]:
    """New channels and relabelled old ones arrive together or not at all; a re-run completes them."""
    from crmterm.services.directory import config_io, yaml_lines
    from helpers import ADMIN

    with unit_of_work(url) as session:
        channels = [c for c in config_io.export_config(session=session, actor=ADMIN)["channels"]
                    if not c["code"].startswith("crash_")]
    relabelled = [{**c, "labels": {**c["labels"], "en": f"{c['labels']['en']} {tag}"}} for c in channels]
    new = [{"code": f"crash_{tag}_{n}", "labels": {"en": f"Crash {tag} {n}"}} for n in range(CHANNELS)]
    file = tmp / f"config-{tag}.yaml"
    file.write_text(yaml_lines.dump({"crmterm_config": 1, "channels": relabelled + new}), encoding="utf-8")
    if fraction is not None:
        Run(["config", url, str(file)], tmp).kill_after(fraction)
        state = _config_state(url, tag, len(channels))
        if state not in ((0, 0), (CHANNELS, len(channels))):
            return [f"config import half done: {state[0]} new channels, {state[1]} relabelled"]
        if state[0]:
            return []
    complete(["config", url, str(file)], tmp)
    state = _config_state(url, tag, len(channels))
    return [] if state == (CHANNELS, len(channels)) else [f"config re-run incomplete: {state}"]


def _config_state(url: str, tag: str, old: int) -> tuple[int, int]:
    with unit_of_work(url) as session:
        rows = session.execute(text("SELECT code, labels FROM channel")).all()
    labels = [(code, (json.loads(value) if isinstance(value, str) else value).get("en", "")) for code, value in rows]
    return (sum(code.startswith(f"crash_{tag}_") for code, _l in labels),
            sum(not code.startswith("crash_") and label.endswith(f" {tag}") for code, label in labels))


def fill_closed(url: str, count: int) -> None:
    """One inquiry registered closed, then `count` copies of it with its values and events (set-based)."""
    with unit_of_work(url) as session:
        agent = session.exec(select(User).where(User.login == "agent")).one()
        draft = ContactDraft.model_validate({"caller": "archive", "inquiries": [{**NO_DATA, "close": True}]})
        done = register(session=session, actor=Actor(login="agent", role=Role.AGENT, id=agent.id), draft=draft)
        model_id = done.inquiry_ids[0]
        row = session.get(Inquiry, model_id).model_dump(exclude={"id"})
        session.execute(insert(Inquiry), [row] * count)
        for table, columns in (("inquiry_event", "at, actor, kind, contact_id, text, data"),
                               ("inquiry_value", "attribute_id, value")):
            picked = ", ".join(f"m.{c.strip()}" for c in columns.split(","))
            session.execute(text(
                f"INSERT INTO {table} (inquiry_id, {columns}) SELECT i.id, {picked} FROM inquiry i "
                f"JOIN {table} m ON m.inquiry_id = :model WHERE i.contact_id = :contact AND i.id <> :model"),
                {"model": model_id, "contact": done.contact_id})
