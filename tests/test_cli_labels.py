"""Labels, not codes, in the CLI's human lines (issue 19): the inquiry list, the customer card and the
knowledge base say names in the user's language, as the TUI does, while --json keeps the codes. On both
databases, through the real demo configuration. (`script run`: tests/test_scripts_cli.py.)"""

from __future__ import annotations

import json

import pytest

from test_cli import cli_on


@pytest.fixture
def cli(demo_url, tmp_path, monkeypatch):
    from crmterm.cli import _common

    monkeypatch.setattr(_common.out, "_width", 250)  # each row on one line, so names are not wrapped apart
    return cli_on(demo_url, tmp_path / "home")


def _complaint(cli) -> int:
    created = cli("inquiry", "create", "--customer", "1", "--topic", "disputed_charge", "--priority", "high",
                  "--attr", "amount=100", "--attr", "dispute_reason=double_charge", "--attr", "charge_date=2026-01-01",
                  "--attr", "approval_reference=A-1", "--json")
    assert created.exit_code == 0, created.output
    return json.loads(created.stdout)["inquiry_ids"][0]


def test_the_inquiry_list_names_priority_step_and_queue(cli):
    inquiry_id = _complaint(cli)
    rows = json.loads(cli("inquiry", "list", "--queue", "first_line", "--json").stdout)["rows"]
    row = next(r for r in rows if r["id"] == inquiry_id)
    assert (row["priority"], row["step"], row["queue"]) == ("high", "first_line", "first_line")  # codes
    shown = cli("inquiry", "list", "--queue", "first_line")
    assert shown.exit_code == 0, shown.output
    line = next(text for text in shown.stdout.splitlines() if f" {inquiry_id} " in text)
    assert "High" in line and "First line" in line
    assert "high" not in line and "first_line" not in line


def test_the_customer_card_names_kind_status_category_and_structures(cli):
    card = json.loads(cli("customer", "show", "1", "--json").stdout)
    assert card["party"]["kind"] in ("person", "organisation") and card["party"]["status"] == "active"
    shown = cli("customer", "show", "1")
    assert shown.exit_code == 0, shown.output
    head = shown.stdout.splitlines()[0]
    assert ("Organisation" in head or "Person" in head) and head.rstrip().endswith("Active")
    assert card["party"]["kind"] not in head and " active" not in head
    if card["party"]["category"]:
        assert f" {card['party']['category']} " not in head
    for path in card["structures"]:
        assert f"  {path['structure_label']}: " in shown.stdout


def test_the_knowledge_base_names_statuses_in_the_users_language(cli):
    hits = json.loads(cli("kb", "search", "roaming", "--json").stdout)
    assert hits and {h["status"] for h in hits} == {"approved"}  # --json keeps the code
    shown = cli("--lang", "ru", "kb", "search", "roaming")
    assert shown.exit_code == 0, shown.output
    assert "утверждена" in shown.stdout and "approved" not in shown.stdout
