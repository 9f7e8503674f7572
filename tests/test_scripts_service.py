"""Scripts on both databases: versions and publishing, config-as-code, and a saved run that writes its
captures, applies its decisions and shows in the inquiry's timeline."""

from __future__ import annotations

import pytest
from helpers import ADMIN, AGENT, act
from sqlmodel import select

from crmterm.errors import Conflict, PermissionDenied, ValidationError
from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.directory import config_io
from crmterm.services.inquiries import inquiries, inquiry_actions
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.services.knowledge import script_admin, script_runs, scripts
from crmterm.store import AuditLog, Party, User
from crmterm.store.db import unit_of_work

RETENTION_CHOICES = [1, 3, 3, ["value", "price"], ["value", "yes"]]  # score 85: critical, VIP line


def termination_inquiry(url: str) -> int:
    with unit_of_work(url) as session:
        party = session.exec(select(Party.id).order_by(Party.id)).first()
    draft = ContactDraft.model_validate({"channel": "phone", "place": "cc_msk", "customer": party, "inquiries": [
        {"topic": "contract_termination", "values": {"termination_reason": "relocation"}}]})
    return act(url, register, ADMIN, draft=draft).inquiry_ids[0]


def test_demo_scripts_are_published_and_linked_to_topics(demo_url):
    listed = act(demo_url, scripts.list_scripts, AGENT)
    assert {(s.code, s.status) for s in listed} >= {("no_data", "published"), ("retention", "published"),
                                                    ("roaming", "published")}
    found = act(demo_url, scripts.for_topic, AGENT, topic="churn_threat")
    assert found.code == "retention"
    assert act(demo_url, scripts.for_topic, AGENT, topic="invoice_copy") is None


def test_saved_run_writes_captures_decisions_and_timeline(demo_url):
    inquiry_id = termination_inquiry(demo_url)
    spec = act(demo_url, scripts.prepare_run, AGENT, inquiry_id=inquiry_id)
    run = act(demo_url, script_runs.save_run, AGENT, inquiry_id=inquiry_id, script_id=spec.script.id,
              choices=RETENTION_CHOICES)
    assert (run.score, run.outcome) == (85, "at_risk")
    assert run.decisions == {"priority": "critical", "queue": "vip_line"}
    shown = act(demo_url, inquiries.get_inquiry, ADMIN, inquiry_id=inquiry_id)
    values = {v.code: v.value for v in shown.values}
    assert values["termination_reason"] == "price" and values["retention_offer_made"] in ("true", True)
    assert shown.priority == "critical" and shown.queue == "vip_line"
    event = next(e for e in shown.events if e.kind == "script")
    assert "v1: score 85, outcome at_risk" in event.text
    assert [r.path[0] for r in act(demo_url, script_runs.runs_of, AGENT, inquiry_id=inquiry_id)] == [
        {"node": "reason", "answer": "price"}]


def test_a_run_on_someone_elses_inquiry_is_refused(demo_url):
    """A run writes values, priority and queue: like editing values, only the holder or a supervisor."""
    inquiry_id = termination_inquiry(demo_url)
    with unit_of_work(demo_url) as session:
        people = {u.login: Actor(login=u.login, role=Role(u.role_code), id=u.id) for u in session.exec(select(User))}
    act(demo_url, inquiry_actions.assign, people["supervisor"], inquiry_id=inquiry_id, login="agent")
    script_id = act(demo_url, scripts.get, AGENT, code="retention").id
    with pytest.raises(PermissionDenied, match="assigned to someone else"):
        act(demo_url, script_runs.save_run, people["agent2"], inquiry_id=inquiry_id, script_id=script_id,
            choices=RETENTION_CHOICES)
    run = act(demo_url, script_runs.save_run, people["agent"], inquiry_id=inquiry_id, script_id=script_id,
              choices=RETENTION_CHOICES)
    assert run.score == 85


def test_bad_capture_and_unfinished_walk_are_refused(demo_url):
    inquiry_id = termination_inquiry(demo_url)
    script_id = act(demo_url, scripts.get, AGENT, code="retention").id
    with pytest.raises(ValidationError, match="not in the list"):
        act(demo_url, script_runs.save_run, AGENT, inquiry_id=inquiry_id, script_id=script_id,
            choices=[1, 3, 3, ["value", "bored"]])
    with pytest.raises(ValidationError, match="not finished"):
        act(demo_url, script_runs.save_run, AGENT, inquiry_id=inquiry_id, script_id=script_id, choices=[1])


def test_new_version_publishes_and_old_runs_keep_theirs(demo_url):
    old = act(demo_url, scripts.get, AGENT, code="roaming")
    document = dict(old.document) | {"name": {"en": "Roaming on", "ru": "Роуминг"}}
    with pytest.raises(PermissionDenied):
        act(demo_url, script_admin.save_draft, AGENT, raw=document)
    draft = act(demo_url, script_admin.save_draft, ADMIN, raw=document)
    assert (draft.number, draft.status) == (2, "draft")
    act(demo_url, script_admin.save_draft, ADMIN, raw=document, expected_version=draft.version)
    with pytest.raises(Conflict, match="changed by admin"):
        act(demo_url, script_admin.save_draft, ADMIN, raw=document, expected_version=draft.version)
    assert act(demo_url, scripts.get, AGENT, code="roaming").number == 1  # drafts are not run
    act(demo_url, script_admin.publish, ADMIN, code="roaming")
    versions = {s.number: s.status for s in act(demo_url, scripts.list_scripts, AGENT, code="roaming")}
    assert versions == {1: "retired", 2: "published"}
    assert act(demo_url, scripts.get, AGENT, code="roaming", number=1).id == old.id
    with unit_of_work(demo_url) as session:
        assert session.exec(select(AuditLog).where(AuditLog.entity == "scripts")).first() is not None


def test_publishing_refuses_a_script_with_problems(demo_url):
    broken = {"code": "broken", "name": {"en": "B", "ru": "Б"}, "nodes": [
        {"id": "a", "type": "statement", "text": {"en": "x", "ru": "х"}}]}
    act(demo_url, script_admin.save_draft, ADMIN, raw=broken)
    with pytest.raises(ValidationError, match="dead end"):
        act(demo_url, script_admin.publish, ADMIN, code="broken")


def test_config_export_import_carries_scripts(demo_url):
    exported = act(demo_url, config_io.export_config, ADMIN)
    assert {s["code"] for s in exported["scripts"]} == {"no_data", "retention", "roaming"}
    result = act(demo_url, config_io.import_document, ADMIN, document=_line_dicts(exported), file=None)
    assert result.changes == 0
    exported["scripts"][0]["name"] = {"en": "Changed", "ru": "Изменён"}
    result = act(demo_url, config_io.import_document, ADMIN, document=_line_dicts(exported), file=None)
    assert result.updated == {"scripts": 1}


def _line_dicts(document):
    """Round-trip through YAML, as `config import` reads a file."""
    import tempfile
    from pathlib import Path

    from crmterm.services.directory import yaml_lines

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "c.yaml"
        path.write_text(yaml_lines.dump(document), encoding="utf-8")
        return yaml_lines.load(path)
