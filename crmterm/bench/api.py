"""The HTTP API under load: `crmterm serve` in a process of its own (one worker on SQLite, whose one file has
one writer; two on PostgreSQL) on a free port, started and stopped here, and CLIENTS concurrent clients on it.

`api_register_per_s`: contacts registered through `POST /contacts` per second of wall time, each its own
request and transaction, committed (nothing is rolled back: a registration that did not pay its commit would
flatter the figure); their inquiries are cancelled afterwards so the data set's queues stay as they were.
`api_search_p95_ms`: the 95th percentile of `GET /customers?q=` as the client sees it (network, JSON, token
check included), with every client searching at once."""

from __future__ import annotations

import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import update
from sqlmodel import col, select

from crmterm.bench import api_inputs
from crmterm.bench.timing import p95_ms
from crmterm.services.accounts import tokens
from crmterm.services.accounts.permissions import SYSTEM, Actor, Role
from crmterm.store import Inquiry, User
from crmterm.store.db import backend, unit_of_work

CLIENTS = 16
LOGIN = "bench_api"  # an agent of its own: the token's user, so the bench never holds a person's token
START_S, REQUEST_S = 60.0, 60.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(path: Path, lines: int = 20) -> str:
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    return "\n".join(text.strip().splitlines()[-lines:]) or "(no output)"


@contextmanager
def serving(url: str, workers: int) -> Iterator[str]:
    """`crmterm serve` on a free port until the block ends; yields its base URL once /health answers."""
    home = Path(tempfile.mkdtemp(prefix="crmterm-bench-api-"))
    log, port = home / "serve.log", _free_port()
    # The database URL (it may hold a password) goes through the environment, never argv (ps shows argv)
    env = {**os.environ, "CRMTERM_HOME": str(home), "CRMTERM_DATABASE_URL": url}
    for name in ("CRMTERM_USER", "CRMTERM_PASSWORD"):
        env.pop(name, None)
    command = [sys.executable, "-m", "crmterm", "serve", "--port", str(port), "--workers", str(workers)]
    with log.open("w", encoding="utf-8") as out:  # a file, not a pipe: a full pipe would stall the server
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, log)
        yield base
    finally:
        process.terminate()  # uvicorn shuts its workers down on SIGTERM
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"crmterm serve ended (exit {process.returncode}):\n{_tail(log)}")
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"crmterm serve did not answer in {START_S:.0f} s:\n{_tail(log)}")


def _bench_token(url: str) -> tuple[str, int]:
    """A write token of the bench's own agent (created on first use); revoked when the bench is done."""
    with unit_of_work(url) as session:
        if session.exec(select(User.id).where(User.login == LOGIN)).first() is None:
            session.add(User(login=LOGIN, display_name="Bench API", role_code=Role.AGENT.value))
            session.flush()
        made = tokens.create_token(session=session, actor=SYSTEM, login=LOGIN, name=f"bench-{time.time_ns()}",
                                   scope="write", expires_days=1, source="bench")
        return made.token, made.id


async def _drive(base: str, token: str, requests: list[tuple[str, str, dict]]) -> tuple[list[float], list[Any]]:
    """Every request sent once by CLIENTS concurrent clients; (seconds per request, JSON answers) in order."""
    timings: list[float] = [0.0] * len(requests)
    answers: list[Any] = [None] * len(requests)
    pending = iter(range(len(requests)))
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}, limits=limits,
                                 timeout=REQUEST_S) as client:
        async def one_client() -> None:
            for index in pending:  # a shared iterator: each request is sent by whichever client is free
                method, path, kwargs = requests[index]
                started = time.perf_counter()
                answer = await client.request(method, path, **kwargs)
                timings[index] = time.perf_counter() - started
                if answer.status_code >= 300:
                    raise RuntimeError(f"{method} {path}: {answer.status_code} {answer.text[:300]}")
                answers[index] = answer.json()

        await asyncio.gather(*(one_client() for _ in range(CLIENTS)))
    return timings, answers


def _load(base: str, token: str, requests: list[tuple[str, str, dict]]) -> tuple[list[float], list[Any], float]:
    started = time.perf_counter()
    timings, answers = asyncio.run(_drive(base, token, requests))
    return timings, answers, time.perf_counter() - started


def _cancel(url: str, inquiry_ids: list[int]) -> None:
    """The bench's inquiries leave the queues (cancelled, not deleted: their events are history)."""
    with unit_of_work(url) as session:
        for start in range(0, len(inquiry_ids), 1000):
            chunk = inquiry_ids[start:start + 1000]
            session.execute(update(Inquiry).where(col(Inquiry.id).in_(chunk)).values(state="cancelled"))


def measure_api(url: str, *, rounds: int, rng: random.Random, workers: int | None = None) -> dict[str, float]:
    """Registrations then searches, `rounds` of each (after CLIENTS of each to warm the server's workers)."""
    workers = workers or (1 if backend(url) == "sqlite" else 2)
    actor = Actor(login=LOGIN, role=Role.AGENT)
    with unit_of_work(url) as session:
        documents = api_inputs.contact_documents(session, actor, rng, rounds + CLIENTS)
        queries = api_inputs.search_inputs(session, rng, rounds + CLIENTS)
    token, token_id = _bench_token(url)
    registered: list[int] = []
    try:
        with serving(url, workers) as base:
            contacts = [("POST", "/contacts", {"json": document}) for document in documents]
            searches = [("GET", "/customers", {"params": {"q": typed, "limit": 50}}) for typed in queries]
            for warm in (contacts[:CLIENTS], searches[:CLIENTS]):
                registered += _ids(_load(base, token, warm)[1])
            _timings, answers, seconds = _load(base, token, contacts[CLIENTS:])
            registered += _ids(answers)
            search_timings = _load(base, token, searches[CLIENTS:])[0]
    finally:
        _cancel(url, registered)
        with unit_of_work(url) as session:
            tokens.revoke_token(session=session, actor=SYSTEM, token_id=token_id, source="bench")
    return {"api_register_per_s": (len(contacts) - CLIENTS) / seconds, "api_search_p95_ms": p95_ms(search_timings),
            "api_clients": CLIENTS, "api_workers": workers}


def _ids(answers: list[Any]) -> list[int]:
    return [i for answer in answers if isinstance(answer, dict) for i in answer.get("inquiry_ids", [])]
