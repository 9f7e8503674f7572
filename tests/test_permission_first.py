"""Issue 20, item 6, on the command line: discounts and payments are customers.billing (not agents'),
`db upgrade` is database.admin, and a refused caller hears "may not" before anything about the target.
(The same order for every service entry point: tests/test_role_matrix.py, refused before the target.)"""

from __future__ import annotations

import json

import pytest

from test_cli import app, runner

MISSING = "987654321"


@pytest.fixture
def as_user(demo_url, tmp_path):
    def run(login: str, *args: str):
        env = {"CRMTERM_HOME": str(tmp_path / "home"), "CRMTERM_USER": login, "CRMTERM_PASSWORD": login}
        return runner.invoke(app, ["--db", demo_url, *args], env=env)
    return run


def _refused(result, permission: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("error: agent may not do this") and f"({permission})" in result.stderr, \
        result.stderr


@pytest.mark.parametrize("args, permission", [
    (("customer", "add-payment", "NORD-001", "10"), "customers.billing"),
    (("customer", "add-payment", "NO-SUCH-CONTRACT", "not-a-number"), "customers.billing"),
    (("customer", "add-discount", "5", "--customer", "1"), "customers.billing"),
    (("customer", "add-discount", "500", "--customer", MISSING), "customers.billing"),
    (("customer", "erase", MISSING, "--yes"), "customers.erase"),
    (("customer", "merge", MISSING, "1"), "customers.merge"),
    (("db", "upgrade"), "database.admin"),
], ids=["payment", "payment-nowhere", "discount", "discount-nowhere", "erase-nowhere", "merge-nowhere", "upgrade"])
def test_an_agent_is_refused_before_the_target_is_looked_at(as_user, args, permission):
    _refused(as_user("agent", *args), permission)


def test_an_agent_is_refused_before_being_asked_to_confirm_an_erasure(as_user):
    _refused(as_user("agent", "customer", "erase", MISSING), "customers.erase")  # no --yes, no terminal


def test_supervisors_and_admins_record_money_and_admins_upgrade(as_user):
    paid = as_user("supervisor", "customer", "add-payment", "NORD-001", "10")
    assert paid.exit_code == 0 and "Payment recorded" in paid.stdout, paid.output
    discounted = as_user("admin", "customer", "add-discount", "5", "--contract", "NORD-001")
    assert discounted.exit_code == 0 and "Discount added" in discounted.stdout, discounted.output
    upgraded = as_user("admin", "db", "upgrade", "--json")
    assert upgraded.exit_code == 0, upgraded.output
    assert json.loads(upgraded.stdout)["from"] == json.loads(upgraded.stdout)["to"]
