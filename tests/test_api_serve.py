"""`crmterm serve` and `crmterm token` from the command line: a real server process on a free port answering
health, a token, a customer search and a new quote; tokens created (printed once), listed with last use and
revoked; more than one worker refused on SQLite."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import httpx
import pytest
from conftest import owner_url
from sqlmodel import select
from typer.testing import CliRunner

from crmterm.cli import app
from crmterm.store import Contract
from crmterm.store.db import unit_of_work

runner = CliRunner()


def cli_on(url: str, home):
    def run(*args: str, input: str | None = None):
        return runner.invoke(app, ["--db", owner_url(url), *args], input=input,
                             env={"CRMTERM_HOME": str(home), "CRMTERM_USER": None, "CRMTERM_PASSWORD": None})
    return run


def test_token_create_prints_it_once_list_shows_it_and_revoke_asks(demo_url, tmp_path):
    cli = cli_on(demo_url, tmp_path)
    made = cli("token", "create", "agent", "--name", "billing-sync", "--scope", "write", "--expires", "30")
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip()
    assert secret.startswith("crm_") and len(secret) > 40
    listed = json.loads(cli("token", "list", "--json").stdout)
    assert [(t["name"], t["login"], t["scope"], t["last_used_at"]) for t in listed] == [
        ("billing-sync", "agent", "write", None)]
    assert secret not in cli("token", "list", "--json").stdout
    refused = cli("token", "revoke", str(listed[0]["id"]), input="n\n")
    assert refused.exit_code == 1 and "nothing revoked" in refused.output
    revoked = cli("token", "revoke", str(listed[0]["id"]), "--yes", "--json")
    assert revoked.exit_code == 0 and json.loads(revoked.stdout)["revoked_at"]


def test_token_errors_are_one_line(demo_url, tmp_path):
    cli = cli_on(demo_url, tmp_path)
    bad_scope = cli("token", "create", "agent", "--name", "x", "--scope", "all")
    nobody = cli("token", "create", "nobody", "--name", "x")
    assert bad_scope.exit_code == 1 and bad_scope.stderr.strip() == "error: scope: 'all' is not a scope (read, write)"
    assert nobody.exit_code == 1 and nobody.stderr.strip() == "error: user 'nobody' not found"


def test_serve_refuses_workers_on_sqlite(sqlite_url, tmp_path):
    result = cli_on(sqlite_url, tmp_path)("serve", "--workers", "2")
    assert result.exit_code == 1
    assert result.stderr.strip() == ("error: --workers 2: a SQLite database is served by one process; use "
                                     "PostgreSQL for more")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"crmterm serve ended: {process.stderr.read()}")
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail("crmterm serve did not answer in time")


def _nord(url: str) -> int:
    with unit_of_work(url) as session:
        return session.exec(select(Contract.payer_party_id).where(Contract.number == "NORD-003")).one()


def test_a_real_server_answers_health_a_token_a_search_and_a_quote(demo_url, tmp_path):
    cli = cli_on(demo_url, tmp_path)
    secret = cli("token", "create", "agent", "--name", "probe", "--scope", "write").stdout.strip()
    port = _free_port()
    env = {**os.environ, "CRMTERM_HOME": str(tmp_path), "PYTHONPATH": os.getcwd()}
    env.pop("CRMTERM_DATABASE_URL", None)
    process = subprocess.Popen([sys.executable, "-m", "crmterm", "--db", owner_url(demo_url), "serve", "--port",
                                str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        health = _wait_for(f"http://127.0.0.1:{port}/health", process)
        headers = {"Authorization": f"Bearer {secret}"}
        found = httpx.get(f"http://127.0.0.1:{port}/customers", params={"q": "Zz"}, headers=headers, timeout=10)
        refused = httpx.get(f"http://127.0.0.1:{port}/customers", params={"q": "Zz"}, timeout=10)
        quote = httpx.post(f"http://127.0.0.1:{port}/quotes", headers=headers, timeout=10,
                           json={"customer": _nord(demo_url), "items": [{"product": "office_pack"}]})
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert health.json() == {"status": "ok", "database": "ok"}
    assert found.status_code == 200 and found.json() == {"items": [], "next": None}
    assert refused.status_code == 401
    assert quote.status_code == 201 and quote.json()["state"] == "draft" and float(quote.json()["total"]) > 0


def test_an_agent_makes_own_tokens_only(demo_url, tmp_path):
    def as_agent(*args: str):
        return runner.invoke(app, ["--db", owner_url(demo_url), "--user", "agent", *args],
                             env={"CRMTERM_HOME": str(tmp_path), "CRMTERM_PASSWORD": "agent"})
    own = as_agent("token", "create", "agent", "--name", "mine")
    other = as_agent("token", "create", "agent2", "--name", "theirs")
    assert own.exit_code == 0, own.output
    assert other.exit_code == 1 and other.stderr.strip() == "error: agent may not do this (users.write)"
    assert [t["name"] for t in json.loads(as_agent("token", "list", "--json").stdout)] == ["mine"]
