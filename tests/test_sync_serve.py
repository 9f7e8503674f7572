"""Offline sync end to end (issue 30): a node against a real `crmterm serve` process on PostgreSQL, with the
connection dropped twice — the server stopped between pull batches of `sync init`, and a push whose answer
never arrives — and a second sync that finishes with nothing lost and nothing applied twice. Also the
CLI's one-line errors: a wrong token, and no server at all."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from api_support import token_for
from conftest import PG_ROLES, _database_from, as_role, copy_demo, owner_url
from sqlmodel import func, select
from sync_support import actors, call, draft, held_inquiry
from test_api_serve import _free_port, _wait_for
from typer.testing import CliRunner

from crmterm.cli import app
from crmterm.services.customers import customers
from crmterm.services.inquiries.registration import register
from crmterm.services.sync import client, node, status
from crmterm.services.sync.http_transport import HttpTransport
from crmterm.store import Contact, Party
from crmterm.store.db import unit_of_work

runner = CliRunner()


@pytest.fixture
def server_url(request):
    for url in _database_from(request.getfixturevalue("pg_server"), request.getfixturevalue("pg_demo_template")):
        yield as_role(url, PG_ROLES.app)


class Serve:
    """`crmterm serve` on a free port, stopped and started again at will."""

    def __init__(self, url: str, home) -> None:
        self.url, self.home, self.port, self.process = url, home, _free_port(), None

    @property
    def address(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {**os.environ, "CRMTERM_HOME": str(self.home), "PYTHONPATH": os.getcwd()}
        env.pop("CRMTERM_DATABASE_URL", None)
        self.process = subprocess.Popen([sys.executable, "-m", "crmterm", "--db", owner_url(self.url), "serve",
                                         "--port", str(self.port)], env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True)
        _wait_for(f"{self.address}/health", self.process)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None


class LostAnswer(HttpTransport):
    """The first push reaches the server, and its answer is lost on the way back."""

    lost = False

    def post(self, path, body):
        answer = super().post(path, body)
        if path == "/sync/push" and not LostAnswer.lost:
            LostAnswer.lost = True
            raise node.SyncUnreachable("server unreachable: connection reset")
        return answer


def _count(url: str, model, *where) -> int:
    with unit_of_work(url) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


def test_a_sync_broken_twice_finishes_with_nothing_lost_or_doubled(server_url, sqlite_template, tmp_path,
                                                                    monkeypatch):
    people = actors(server_url)
    parties = [call(server_url, customers.create_party, people["admin"], values={"display_name": f"Field {n}"}).id
               for n in range(5)]
    for party in parties:  # the agent's customers: each with an inquiry the agent holds
        held_inquiry(server_url, people["agent"], party)
    node_url = copy_demo(sqlite_template, tmp_path / "laptop.db")
    server, token = Serve(server_url, tmp_path), token_for(server_url, "agent", name="laptop")
    monkeypatch.setattr(node, "PULL_BATCH", 2)
    server.start()
    try:
        wrong = runner.invoke(app, ["--db", node_url, "sync", "init", "--server", server.address, "--token", "crm_x"],
                              env={"CRMTERM_HOME": str(tmp_path)})
        assert wrong.exit_code == 1 and wrong.stderr.startswith("error: server: 401 ")
        assert len(wrong.stderr.strip().splitlines()) == 1
        batches = []

        def stop_after_the_second_batch(_rows: int) -> None:
            batches.append(_rows)
            if len(batches) == 2:
                server.stop()
        with pytest.raises(node.SyncUnreachable):
            client.init(node_url, server_url=server.address, token=token, progress=stop_after_the_second_batch)
        with unit_of_work(node_url) as session:
            state = status.sync_status(session)
            assert state.configured and state.online is False and "unreachable" in state.last_error
        server.start()
        assert client.sync_once(node_url).pulled > 0  # the broken init finished
        agent = actors(node_url)["agent"]
        call(node_url, customers.update_party, agent, party_id=parties[0], values={"email": "field@example.com"},
             expected_version=None)
        made = call(node_url, register, agent, draft=draft(parties[1]))
        contacts_before = _count(server_url, Contact)
        with pytest.raises(node.SyncUnreachable):
            node.synchronise(client.sessions_for(node_url), LostAnswer(server.address, token))
        result = client.sync_once(node_url)
    finally:
        server.stop()
    assert result.pushed == 2 and result.conflicts == result.refused == 0
    assert len(result.numbered) == 1  # the registration's recorded answer, from the resent push
    assert _count(server_url, Contact) == contacts_before + 1  # the resent registration was not made twice
    assert _count(node_url, Contact, Contact.id == made.contact_id) == 0
    with unit_of_work(server_url) as session:
        assert session.get(Party, parties[0]).email == "field@example.com"
    assert _count(node_url, Party, Party.id.in_(parties)) == len(parties)
    with unit_of_work(node_url) as session:
        state = status.sync_status(session)
        assert (state.online, state.pending, state.conflicts, state.last_error) == (True, 0, 0, None)
        assert [run.error is None for run in status.sync_log(session)] == [True, False, True, False]


def test_init_errors_are_one_line(sqlite_template, tmp_path):
    node_url = copy_demo(sqlite_template, tmp_path / "laptop.db")
    port = _free_port()  # nothing listens there
    result = runner.invoke(app, ["--db", node_url, "sync", "init", "--server", f"http://127.0.0.1:{port}",
                                 "--token", "crm_wrong"], env={"CRMTERM_HOME": str(tmp_path)})
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: server unreachable: http://127.0.0.1:{port}")
    assert len(result.stderr.strip().splitlines()) == 1
    status_line = runner.invoke(app, ["--db", node_url, "sync", "status"], env={"CRMTERM_HOME": str(tmp_path)})
    assert status_line.stdout.strip() == "not a node (run `crmterm sync init`)"
