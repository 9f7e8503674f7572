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
    assert shown.startswith(f"{address} as agent: offline; pending: 0, conflicts: 0; last sync —")
    assert "last error: server unreachable" in shown
    runs = json.loads(runner.invoke(app, ["--db", node_url, "sync", "log", "--json"], env=env).stdout)
    assert [(r["pushed"], r["pulled"], bool(r["error"])) for r in runs] == [(0, 0, True), (0, 0, True)]


def test_conflicts_are_listed_and_resolved_from_the_command_line(sqlite_url, tmp_path):
    from sync_node_data import make_node

    node = make_node(sqlite_url)
    env = {"CRMTERM_HOME": str(tmp_path)}
    listed = json.loads(runner.invoke(app, ["--db", sqlite_url, "sync", "conflicts", "--json"], env=env).stdout)
    assert [(c["id"], c["kind"], c["field"]) for c in listed] == [
        (node.phone, "field", "phone"), (node.email, "field", "email"), (node.refused, "refused", "close")]
    table = runner.invoke(app, ["--db", sqlite_url, "sync", "conflicts"], env=env).stdout
    assert "phone" in table and "email" in table and "refused" in table
    kept = runner.invoke(app, ["--db", sqlite_url, "sync", "resolve", str(node.phone), "--ours"], env=env)
    assert kept.exit_code == 0 and f"Conflict {node.phone} resolved (ours)" in kept.stdout
    edited = runner.invoke(app, ["--db", sqlite_url, "sync", "resolve", str(node.email), "--value", "x@example.com",
                                 "--json"], env=env)
    assert json.loads(edited.stdout)["resolution"] == "edit"
    for args, message in ((["--ours"], "can only be acknowledged"), ([], "exactly one of"),
                          (["--ours", "--theirs"], "exactly one of")):
        refused = runner.invoke(app, ["--db", sqlite_url, "sync", "resolve", str(node.refused), *args], env=env)
        assert refused.exit_code == 1 and refused.stderr.startswith("error: ") and message in refused.stderr
        assert refused.stderr.count("\n") == 1
    again = runner.invoke(app, ["--db", sqlite_url, "sync", "resolve", str(node.phone), "--theirs"], env=env)
    assert again.exit_code == 1 and "already resolved" in again.stderr
    acknowledged = runner.invoke(app, ["--db", sqlite_url, "sync", "resolve", str(node.refused), "--theirs"], env=env)
    assert acknowledged.exit_code == 0
    assert json.loads(runner.invoke(app, ["--db", sqlite_url, "sync", "conflicts", "--json"], env=env).stdout) == []
