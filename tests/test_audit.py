"""The audit log on both databases: admin changes, users and roles, exports, imports, bulk operations,
archiving, merges and backups are recorded with who, when, what; passwords never are; the log is append-only;
`crmterm audit list` filters by time, action, area and actor."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from crmterm.services.platform import archive

from crmterm.services.accounts import audit, users

from crmterm.services.customers import customers

from crmterm.services.inquiries import inquiry_moves
from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.store.db import engine_for, unit_of_work
from helpers import ADMIN, AUDITOR, SUPERVISOR
from test_archive import finish, registered
from test_cli import cli_on

SINCE = {"problem_since": "2026-11-27T08:00"}


def act(url: str, call, actor=ADMIN, **kwargs):
    with unit_of_work(url) as session:
        return call(session=session, actor=actor, **kwargs)


def entries(url: str, **filters):
    return act(url, audit.list_entries, AUDITOR, **filters)


def latest(url: str, action: str, entity: str):
    found = entries(url, action=action, entity=entity, limit=1)
    assert found, f"no {action} {entity} in the audit log"
    return found[0]


def test_the_log_refuses_update_and_delete(db_url):
    act(db_url, lambda session, actor: audit.record(session, actor, "update", "channels", "phone",
                                                     after={"a": 1}))
    for statement in ("UPDATE audit_log SET actor = 'nobody'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError) as refused, engine_for(db_url).begin() as connection:
            connection.execute(text(statement))
        assert "append-only" in str(refused.value) or "permission denied" in str(refused.value)
    assert entries(db_url)[0].actor == "admin"


def test_user_create_role_change_deactivation_and_password_never_show_the_secret(db_url):
    act(db_url, users.add_user, values={"login": "kate", "role": "agent"}, password="correct horse 1")
    act(db_url, users.update_user, login="kate", values={"role": "supervisor"}, expected_version=None)
    act(db_url, users.update_user, login="kate", values={"active": False}, expected_version=None)
    act(db_url, users.set_password, login="kate", password="battery staple 2")
    found = entries(db_url, entity="user")
    assert [e.action for e in found] == ["password", "deactivate", "role", "create"]
    role = found[2]
    assert (role.before["role"], role.after["role"], role.actor) == ("agent", "supervisor", "admin")
    dumped = json.dumps([e.model_dump(mode="json") for e in found])
    assert "horse" not in dumped and "staple" not in dumped and "argon2" not in dumped
    assert found[0].before is None and found[0].after is None


def test_bulk_operation_merge_and_archive_are_recorded(demo_url):
    draft = ContactDraft.model_validate({"channel": "phone", "place": "cc_msk", "inquiries": [
        {"topic": "slow_data", "values": SINCE}, {"topic": "slow_data", "values": SINCE}]})
    ids = act(demo_url, register, draft=draft).inquiry_ids
    act(demo_url, inquiry_moves.bulk, SUPERVISOR, operation="priority", ids=ids, priority="critical")
    bulk = latest(demo_url, "bulk", "inquiry")
    assert (bulk.entity_key, bulk.after["ids"], bulk.actor) == ("priority", ids, "supervisor")
    first = act(demo_url, customers.create_party, values={"display_name": "Ann One"}).id
    second = act(demo_url, customers.create_party, values={"display_name": "Ann Two"}).id
    act(demo_url, customers.merge, SUPERVISOR, survivor_id=first, merged_id=second)
    assert latest(demo_url, "merge", "customer").after == {"merged_into": first}
    old = registered(demo_url, *({"topic": "slow_data", "values": SINCE} for _i in range(2)))
    finish(demo_url, old)  # on SQLite the newest row stays live (services/platform/archive)
    archive.run(url=demo_url, actor=ADMIN, before=archive.cutoff(365))
    moved = latest(demo_url, "archive", "inquiry")
    assert moved.after["count"] >= 1 and moved.after["first"] <= old[0] <= moved.after["last"]


def test_cli_exports_imports_and_backups_are_recorded(demo_url, tmp_path):
    cli = cli_on(demo_url, tmp_path / "home")
    config = tmp_path / "config.yaml"
    assert cli("config", "export", str(config)).exit_code == 0
    assert latest(demo_url, "export", "config").after["entries"] > 0
    config.write_text(config.read_text(encoding="utf-8").replace("Phone", "Telephone", 1), encoding="utf-8")
    assert cli("config", "import", str(config)).exit_code == 0
    assert latest(demo_url, "import", "config").after["updated"]
    people = tmp_path / "people.jsonl"
    people.write_text('{"type": "party", "name": "Bob Import", "ref": "b"}\n{"type": "party"}\n')
    cli("customer", "import", str(people))
    imported = latest(demo_url, "import", "customer")
    assert (imported.after["created"], imported.after["errors"]) == ({"party": 1}, 1)
    report = tmp_path / "topics.csv"
    done = cli("report", "topics", "--from", "2026-01-01", "--to", "2026-12-01", "--out", str(report))
    assert done.exit_code == 0, done.output
    exported = latest(demo_url, "export", "report")
    assert (exported.entity_key, exported.after["format"], exported.after["file"]) == ("topics", "csv", str(report))
    assert cli("customer", "export-leads", str(tmp_path / "leads.csv")).exit_code == 0
    assert latest(demo_url, "export", "leads").actor == "system"
    if demo_url.startswith("sqlite"):
        assert cli("db", "backup", str(tmp_path / "b.db")).exit_code == 0
        assert latest(demo_url, "backup", "database").after["file"] == str(tmp_path / "b.db")
        assert cli("db", "restore", str(tmp_path / "b.db"), "--yes").exit_code == 0
        assert latest(demo_url, "restore", "database").actor == "system"


def test_audit_list_filters_by_since_action_entity_and_actor(demo_url, tmp_path):
    cli = cli_on(demo_url, tmp_path / "home")
    act(demo_url, users.add_user, values={"login": "lena", "role": "agent"}, password=None)
    act(demo_url, users.update_user, Actor(login="boss", role=Role.ADMIN), login="lena",
        values={"role": "auditor"}, expected_version=None)
    today = datetime.now(UTC).date().isoformat()
    hour_ago = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S")
    for since in (today, hour_ago):
        done = cli("audit", "list", "--since", since, "--entity", "user", "--json")
        assert done.exit_code == 0, done.output
        shown = json.loads(done.stdout)  # the demo's users were created today as well, before these
        assert [(e["action"], e["entity_key"]) for e in shown[:2]] == [("role", "lena"), ("create", "lena")]
        assert {e["entity"] for e in shown} == {"user"}
    by_boss = json.loads(cli("audit", "list", "--actor", "boss", "--json").stdout)
    assert [(e["action"], e["entity_key"]) for e in by_boss] == [("role", "lena")]
    assert json.loads(cli("audit", "list", "--action", "create", "--entity", "user", "--json").stdout)[0][
        "entity_key"] == "lena"
    future = json.loads(cli("audit", "list", "--since", "2999-01-01", "--json").stdout)
    assert future == []
