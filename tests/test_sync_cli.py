"""`crmterm sync --loop`, `sync status`, `sync log` on a laptop whose server cannot be reached: the loop logs
each failure, marks the laptop offline and goes on; status and log say so."""

from __future__ import annotations

import json

from conftest import copy_demo
from test_api_serve import _free_port
from typer.testing import CliRunner

from crmterm.cli import app
from crmterm.store import sync_ids as node_ids
from crmterm.store.db import unit_of_work
from crmterm.store.sync import NODE_ID, SyncNode

runner = CliRunner()


def test_the_loop_rides_out_a_missing_server_and_status_and_log_say_so(sqlite_template, tmp_path, monkeypatch):
    node_url = copy_demo(sqlite_template, tmp_path / "laptop.db")
    address = f"http://127.0.0.1:{_free_port()}"
    with unit_of_work(node_url) as session:
        session.add(SyncNode(id=NODE_ID, server_url=address, token="crm_x", login="agent"))
        session.flush()
        node_ids.become_node(session)
    pauses = []

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr("crmterm.cli.sync.time.sleep", sleep)
    env = {"CRMTERM_HOME": str(tmp_path)}
    looped = runner.invoke(app, ["--db", node_url, "sync", "--loop", "5"], env=env)
    assert looped.exit_code == 0 and pauses == [5, 5]
    assert looped.stderr.count(f"offline: server unreachable: {address}") == 2
    shown = runner.invoke(app, ["--db", node_url, "sync", "status"], env=env).stdout
    assert shown.startswith(f"{address} as agent: offline; 0 pending, 0 conflicts; last sync —")
    assert "last error: server unreachable" in shown
    runs = json.loads(runner.invoke(app, ["--db", node_url, "sync", "log", "--json"], env=env).stdout)
    assert [(r["pushed"], r["pulled"], bool(r["error"])) for r in runs] == [(0, 0, True), (0, 0, True)]
