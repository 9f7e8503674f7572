"""The CLI contract (DESIGN.md §7) through Typer's runner on both databases, and once as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from conftest import owner_url
from crmterm.cli import app

runner = CliRunner()


def cli_on(url: str, home):
    """`crmterm --db URL …` through the runner, as the system account (on PostgreSQL through the owner role:
    only the schema owner's connection may act without a user), with a private home."""
    url = owner_url(url)

    def run(*args: str, input: str | None = None):
        return runner.invoke(app, ["--db", url, *args], input=input,
                             env={"CRMTERM_HOME": str(home), "CRMTERM_USER": None, "CRMTERM_PASSWORD": None})
    return run


@pytest.fixture
def cli(db_url, tmp_path):
    return cli_on(db_url, tmp_path / "home")


def test_seed_export_import_round_trip_reports_zero_changes(cli, tmp_path):
    assert cli("seed", "demo").exit_code == 0
    again = cli("seed", "demo", "--json")
    assert json.loads(again.stdout)["changes"] == 0
    target = tmp_path / "a.yaml"
    assert cli("config", "export", str(target)).exit_code == 0
    result = cli("config", "import", str(target))
    assert result.exit_code == 0, result.output
    assert "0 changes" in result.stdout


def test_dry_run_reports_but_changes_nothing(cli, tmp_path):
    cli("seed", "demo")
    target = tmp_path / "a.yaml"
    cli("config", "export", str(target))
    target.write_text(target.read_text(encoding="utf-8").replace("Web chat", "Live chat"), encoding="utf-8")
    dry = cli("config", "import", str(target), "--dry-run", "--json")
    assert json.loads(dry.stdout) | {} == {"dry_run": True, "changes": 1, "created": {}, "updated": {"channels": 1},
                                            "unchanged": json.loads(dry.stdout)["unchanged"]}
    shown = json.loads(cli("directory", "show", "channels", "chat", "--json").stdout)
    assert shown["values"]["labels"]["en"] == "Web chat"


def test_broken_config_is_one_line_on_stderr_with_exit_1(cli, tmp_path):
    cli("seed", "demo")
    target = tmp_path / "bad.yaml"
    target.write_text("channels:\n- code: phone\n  labels: Phone\n- code: phone\n  labels: Phone 2\n",
                      encoding="utf-8")
    result = cli("config", "import", str(target))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"error: {target}:4: ")
    assert "Traceback" not in result.output


def test_user_add_and_list_json(cli):
    cli("seed", "demo")
    added = cli("user", "add", "maria", "--role", "supervisor", "--password-stdin", "--json", input="s3cret!\n")
    assert added.exit_code == 0, added.output
    listed = json.loads(cli("user", "list", "--json").stdout)
    assert {"login": "maria", "role": "supervisor"}.items() <= next(u for u in listed if u["login"] == "maria").items()
    duplicate = cli("user", "add", "maria", "--role", "agent", "--password-stdin", input="x12345\n")
    assert duplicate.exit_code == 1 and "already exists" in duplicate.stderr


def test_acting_user_is_authenticated_and_role_enforced(cli, db_url, tmp_path):
    cli("seed", "demo")
    env = {"CRMTERM_HOME": str(tmp_path / "home"), "CRMTERM_USER": "agent", "CRMTERM_PASSWORD": "agent"}
    denied = runner.invoke(app, ["--db", db_url, "user", "list"], env=env)
    assert denied.exit_code == 1 and "may not" in denied.stderr
    wrong = runner.invoke(app, ["--db", db_url, "user", "list"], env=env | {"CRMTERM_PASSWORD": "guess"})
    assert wrong.exit_code == 1 and "Wrong login or password" in wrong.stderr
    admin = runner.invoke(app, ["--db", db_url, "--user", "admin", "user", "list", "--json"],
                          env=env | {"CRMTERM_PASSWORD": "admin"})
    assert admin.exit_code == 0 and len(json.loads(admin.stdout)) == 8  # five roles, three technicians


def test_usage_error_exits_2_and_unknown_area_exits_1(cli):
    assert cli("user", "add").exit_code == 2
    result = cli("directory", "list", "spaceships")
    assert result.exit_code == 1 and result.stderr.startswith("error: ")


def test_db_current_is_head(cli):
    data = json.loads(cli("db", "current", "--json").stdout)
    assert data["current"] == data["head"]


def test_real_process_unreachable_database_is_one_clean_line(tmp_path):
    env = {**os.environ, "CRMTERM_HOME": str(tmp_path)}
    env.pop("CRMTERM_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "crmterm", "--db", "postgresql://u:secret@127.0.0.1:1/none",
                           "db", "current"], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 1
    assert done.stderr.startswith("error: database: ") and done.stderr.count("\n") == 1
    assert "secret" not in done.stderr and "Traceback" not in done.stderr


def test_real_process_seed_and_list_on_a_fresh_home(tmp_path):
    env = {**os.environ, "CRMTERM_HOME": str(tmp_path)}
    env.pop("CRMTERM_DATABASE_URL", None)
    seeded = subprocess.run([sys.executable, "-m", "crmterm", "seed", "demo"], capture_output=True, text=True,
                            env=env, timeout=120)
    assert seeded.returncode == 0, seeded.stderr
    assert (tmp_path / "data" / "crmterm.db").exists()
    listed = subprocess.run([sys.executable, "-m", "crmterm", "directory", "list", "places", "--json"],
                            capture_output=True, text=True, env=env, timeout=120)
    assert {e["key"] for e in json.loads(listed.stdout)} >= {"cc_msk", "shop_tverskaya"}
