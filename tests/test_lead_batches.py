"""Incremental lead export (issue 28, item 6), on SQLite and PostgreSQL: each export is a batch that marks what
it sent; the next sends only new and changed leads; billing's acknowledgement file marks leads accepted or
rejected (with the reason, shown on the lead's card); `--resend-failed` sends the rejected ones again."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from helpers import act

from crmterm.errors import PermissionDenied
from crmterm.services.customers import customer_card, customers, lead_batches, leads


def _export(url: str, actor, path: Path, **options) -> list[dict]:
    act(url, leads.export_leads, actor, path=path, **options)
    return list(csv.DictReader(path.open(encoding="utf-8-sig")))


def test_each_export_sends_only_new_and_changed_leads(demo_url, people, tmp_path):
    agent = people["agent"]
    first = _export(demo_url, agent, tmp_path / "1.csv")
    assert first and len({row["batch"] for row in first}) == 1
    assert _export(demo_url, agent, tmp_path / "2.csv") == []
    changed = int(first[0]["id"])
    act(demo_url, customers.update_party, agent, party_id=changed, expected_version=None,
        values={"email": "new.lead@example.com"})
    third = _export(demo_url, agent, tmp_path / "3.csv")
    assert [(int(r["id"]), r["email"]) for r in third] == [(changed, "new.lead@example.com")]
    assert int(third[0]["batch"]) > int(first[0]["batch"])
    assert len(_export(demo_url, agent, tmp_path / "4.csv", everything=True)) == len(first)
    with pytest.raises(PermissionDenied):
        act(demo_url, leads.export_leads, people["auditor"], path=tmp_path / "5.csv")


def test_acknowledgements_mark_leads_and_the_rejected_are_resent_on_request(demo_url, people, tmp_path):
    agent = people["agent"]
    sent = _export(demo_url, agent, tmp_path / "sent.csv")
    good, bad, batch = int(sent[0]["id"]), int(sent[1]["id"]), int(sent[0]["batch"])
    ack = tmp_path / "ack.json"
    ack.write_text(json.dumps([{"id": good, "status": "accepted"},
                               {"id": bad, "status": "rejected", "reason": "no tax number"},
                               {"id": good, "status": "rejected", "batch": batch - 1},
                               {"id": 999999, "status": "accepted"}, {"id": good, "status": "maybe"}]))
    report = act(demo_url, lead_batches.acknowledge, agent, path=ack)
    assert (report.accepted, report.rejected, report.stale) == (1, 1, 1)
    assert [line for line, _message in report.errors] == [4, 5]
    rejected = act(demo_url, customer_card.get_card, agent, party_id=bad).lead_export
    assert (rejected.status, rejected.reason, rejected.batch_id) == ("rejected", "no tax number", batch)
    assert "no tax number" in rejected.text()
    assert act(demo_url, customer_card.get_card, agent, party_id=good).lead_export.status == "accepted"
    assert _export(demo_url, agent, tmp_path / "again.csv") == []
    resent = _export(demo_url, agent, tmp_path / "resent.csv", resend_failed=True)
    assert [int(r["id"]) for r in resent] == [bad]
    assert act(demo_url, customer_card.get_card, agent, party_id=bad).lead_export.status == "sent"
    with pytest.raises(PermissionDenied):
        act(demo_url, lead_batches.acknowledge, people["auditor"], path=ack)


def test_leads_ack_and_show_on_the_command_line(demo_url, tmp_path):
    from conftest import owner_url
    from test_cli import app, runner

    home = {"CRMTERM_HOME": str(tmp_path / "home")}
    sent = _export(demo_url, people_admin(demo_url), tmp_path / "sent.csv")
    ack = tmp_path / "ack.csv"
    ack.write_text(f"id,status,reason\n{sent[0]['id']},rejected,duplicate of 17\n", encoding="utf-8")
    result = runner.invoke(app, ["--db", owner_url(demo_url), "customer", "leads-ack", str(ack)], env=home)
    assert result.exit_code == 0, result.output
    assert "1" in result.stdout
    shown = runner.invoke(app, ["--db", owner_url(demo_url), "--lang", "en", "customer", "show", sent[0]["id"]],
                          env=home)
    assert shown.exit_code == 0 and "rejected: duplicate of 17" in shown.stdout, shown.output


def people_admin(url: str):
    from helpers import demo_people

    return demo_people(url)["admin"]
