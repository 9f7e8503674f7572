"""Queue work and routes from the command line on both databases: the complaint route end to end with its
amount guard, one-line errors, JSON output, route validation with file and line."""

from __future__ import annotations

import json

import pytest

from conftest import owner_url
from test_cli import app, runner

DISPUTE = {"topic": "disputed_charge", "values": {"amount": "9000", "dispute_reason": "double_charge",
                                                   "charge_date": "2026-11-20", "approval_reference": "A-1"}}


@pytest.fixture
def as_user(demo_url, tmp_path):
    def run(login: str | None, *args: str, input: str | None = None):
        env = {"CRMTERM_HOME": str(tmp_path / "home"), "CRMTERM_USER": login, "CRMTERM_PASSWORD": login}
        where = owner_url(demo_url) if login is None else demo_url  # the system account: the owner's connection
        return runner.invoke(app, ["--db", where, *args], input=input, env=env)
    return run


def _json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_complaint_route_end_to_end_from_the_cli(as_user):
    document = json.dumps({"channel": "phone", "place": "cc_msk", "inquiries": [DISPUTE]})
    inquiry = _json(as_user("agent", "contact", "register", "-", "--json", input=document))["inquiry_ids"][0]
    queues = {q["code"]: q for q in _json(as_user("agent", "queue", "list", "--json"))}
    assert queues["first_line"]["waiting"] == 1 and "finance_approval" not in queues
    assert _json(as_user("agent", "inquiry", "take", "--queue", "first_line", "--json"))["id"] == inquiry
    moved = _json(as_user("agent", "inquiry", "move", str(inquiry), "-T", "to_billing", "--json"))
    assert (moved["state"], moved["queue"]) == ("waiting", "billing_bo")
    as_user("agent", "inquiry", "take", str(inquiry))
    wrong = as_user("agent", "inquiry", "move", str(inquiry), "-T", "resolve")
    assert wrong.exit_code == 1 and "Traceback" not in wrong.output
    assert wrong.stderr.strip() == ("error: transition: cannot move by 'resolve': its condition does not hold; "
                                    "possible: approve, back")
    as_user("agent", "inquiry", "move", str(inquiry), "-T", "approve")
    listed = _json(as_user("supervisor", "inquiry", "list", "--queue", "finance_approval", "--json"))
    assert [r["id"] for r in listed["rows"]] == [inquiry] and listed["cursor"] is None
    as_user("supervisor", "inquiry", "take", "--queue", "finance_approval")
    closed = _json(as_user("supervisor", "inquiry", "close", str(inquiry), "-r", "approved", "--json"))
    assert (closed["state"], closed["step"]) == ("closed", "done")
    empty = as_user("agent", "inquiry", "take", "--queue", "first_line")
    assert empty.exit_code == 0 and "Nothing is waiting" in empty.stdout


def test_supervisor_commands_and_refusals(as_user):
    document = json.dumps({"channel": "phone", "place": "cc_msk", "inquiries": [DISPUTE]})
    inquiry = str(_json(as_user("agent", "contact", "register", "-", "--json", input=document))["inquiry_ids"][0])
    refused = as_user("agent", "inquiry", "transfer", inquiry, "back_office")
    assert refused.exit_code == 1 and refused.stderr.startswith("error: agent may not do this")
    assert _json(as_user("supervisor", "inquiry", "assign", inquiry, "agent2", "--json"))["assignee"] == "agent2"
    assert _json(as_user("supervisor", "inquiry", "transfer", inquiry, "back_office", "--json"))["queue"] == "back_office"
    bad_when = as_user("supervisor", "inquiry", "deadline", inquiry, "tomorrow", "--reason", "x")
    assert bad_when.exit_code == 1 and "expected a date and time" in bad_when.stderr
    assert as_user("supervisor", "inquiry", "deadline", inquiry, "2030-01-01T10:00", "--reason", "agreed").exit_code == 0
    assert _json(as_user("supervisor", "inquiry", "cancel", inquiry, "-t", "duplicate", "--json"))["state"] == "cancelled"
    again = as_user("supervisor", "inquiry", "reopen", inquiry)
    assert again.exit_code == 1 and "is cancelled: cannot reopen" in again.stderr
    system_take = as_user(None, "inquiry", "take", "--queue", "first_line")
    assert system_take.exit_code == 1 and "needs a person" in system_take.stderr


def test_route_validate_names_file_line_and_problem(as_user, tmp_path):
    good = as_user(None, "route", "validate", "data/seed/demo_routes.yaml")
    assert good.exit_code == 0, good.output
    bad = tmp_path / "route.yaml"
    bad.write_text("code: r\nlabels: {en: R}\nsteps:\n  - {code: a, queue: nowhere}\n  - {code: b, queue: first_line}\n"
                   "  - {code: end, final: true}\ntransitions:\n  - {code: go, from: a, to: end, guard: 'inquiry.attrs.x >'}\n",
                   encoding="utf-8")
    result = as_user(None, "route", "validate", str(bad))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert any(line.startswith(f"{bad}:8: r: transitions[1] go: guard: column") for line in lines), lines
    assert any(":5: r: steps[2] b: " in line for line in lines), lines
    shown = _json(as_user(None, "route", "show", "complaint", "--json"))
    assert shown["topics"][0] == "complaints" and shown["diagram"][0].startswith("▶ first_line")


def test_a_past_deadline_is_refused_unless_said_aloud(as_user):
    """Issue 19 item 8: a deadline already past is a typo far more often than a wish."""
    document = json.dumps({"channel": "phone", "place": "cc_msk", "inquiries": [DISPUTE]})
    inquiry = str(_json(as_user("agent", "contact", "register", "-", "--json", input=document))["inquiry_ids"][0])
    past = as_user("supervisor", "inquiry", "deadline", inquiry, "2020-01-10T09:00", "--reason", "agreed")
    assert past.exit_code == 1 and past.stderr.startswith("error: ") and "already past" in past.stderr
    assert len(past.stderr.strip().splitlines()) == 1
    kept = as_user("supervisor", "inquiry", "deadline", inquiry, "2020-01-10T09:00", "--reason", "agreed",
                   "--past", "--json")
    assert kept.exit_code == 0 and _json(kept)["id"] == int(inquiry)
