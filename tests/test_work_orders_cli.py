"""`crmterm workorder …` and `crmterm technician …` (issue 27, item 4): the whole visit from the command line —
create from an inquiry, dispatch, record, accept, done with --json — a technician seeing only their own orders,
and one-line errors."""

from __future__ import annotations

import json

import pytest
from test_api_serve import cli_on
from test_cli import app, runner
from test_work_orders import no_connection

from conftest import owner_url


def as_user(url: str, home, login: str):
    def run(*args: str):
        return runner.invoke(app, ["--db", owner_url(url), *args], env={
            "CRMTERM_HOME": str(home), "CRMTERM_USER": login, "CRMTERM_PASSWORD": login})
    return run


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)  # the services run on both in test_work_orders
def test_a_visit_from_the_command_line(demo_url, tmp_path):
    inquiry = no_connection(demo_url)
    cli, tech1, tech2 = cli_on(demo_url, tmp_path), as_user(demo_url, tmp_path, "tech1"), as_user(demo_url, tmp_path, "tech2")
    made = cli("workorder", "create", str(inquiry), "--window", "2026-12-08 09:00-12:00", "--region", "moscow",
               "--skill", "fiber:2", "--task", "Check the line", "--json")
    assert made.exit_code == 0, made.output
    order = str(json.loads(made.stdout)["id"])
    dispatched = json.loads(cli("workorder", "dispatch", order, "--json").stdout)  # the proposed technician
    assert (dispatched["state"], dispatched["technician"]) == ("dispatched", "tech1")
    assert json.loads(tech2("workorder", "list", "--json").stdout) == []
    refused = tech2("workorder", "show", order)
    assert refused.exit_code == 1 and refused.stderr.strip() == f"error: work order {order} is not dispatched to tech2"
    recorded = tech1("workorder", "record", order, "--minutes", "40", "--material", "router:1", "--expense",
                     "300:taxi", "--json")
    assert json.loads(recorded.stdout)["minutes"] == 40, recorded.output
    assert tech1("workorder", "accept", order, "--by", "Ivan Petrov").exit_code == 0
    done = json.loads(tech1("workorder", "done", order, "--json").stdout)
    assert (done["state"], done["accepted_by"], done["expenses"]) == ("done", "Ivan Petrov", "300.00")
    shown = json.loads(cli("inquiry", "show", str(inquiry), "--json").stdout)
    assert shown["step"] == "quality_check"
    bad = cli("workorder", "create", str(inquiry), "--window", "tomorrow", "--region", "moscow")
    assert bad.exit_code == 1 and bad.stderr.startswith("error: window: expected DATE FROM-TO")


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_technicians_are_added_listed_and_shown(demo_url, tmp_path):
    cli = cli_on(demo_url, tmp_path)
    added = cli("technician", "add", "agent2", "--region", "spb", "--skill", "fiber:2", "--json")
    assert added.exit_code == 0, added.output
    listed = {t["login"]: t for t in json.loads(cli("technician", "list", "--json").stdout)}
    assert set(listed) == {"agent2", "tech1", "tech2", "tech3"} and listed["agent2"]["skills"]["fiber"] == 2
    assert "spb" in cli("technician", "show", "agent2").stdout
    missing = cli("technician", "show", "agent")
    assert missing.exit_code == 1 and missing.stderr.strip() == "error: Technician 'agent' not found"
