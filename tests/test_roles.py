"""Configurable roles (issue 31, item 2) on both databases: defined from the permission catalogue, held several
at a time by users and through user groups, presets editable, queue scopes, audited, and no lock-out."""

from __future__ import annotations

import pytest

from crmterm.errors import Conflict, PermissionDenied, ValidationError
from crmterm.services.accounts import audit, auth, queue_access, role_assignments, roles, users
from crmterm.services.accounts.permissions import Permission
from crmterm.services.routing.queues import queue_by_code
from crmterm.store.db import unit_of_work
from helpers import ADMIN, AGENT
from test_db_logins import pg_demo  # noqa: F401 - the fixture, for the database-level test


def _in(url, work):
    with unit_of_work(url) as session:
        return work(session)


def _login(url, login):
    return auth.authenticate(url=url, login=login, password=login)


def test_the_demo_problem_manager_role_adds_to_agent2s_preset_at_log_in(demo_url):
    agent2, agent = _login(demo_url, "agent2"), _login(demo_url, "agent")
    assert agent2.can(Permission.PROBLEMS_MANAGE) and agent2.can(Permission.INQUIRIES_WRITE)
    assert agent2.roles == ("agent", "problem_manager")
    assert not agent.can(Permission.PROBLEMS_MANAGE)


def test_a_role_given_to_a_group_reaches_its_members_and_is_audited(demo_url):
    _in(demo_url, lambda s: roles.add_role(session=s, actor=ADMIN, values={
        "code": "reporter", "labels": {"en": "Reporter"}, "permissions": ["reports.read", "inquiries.read"]}))
    _in(demo_url, lambda s: role_assignments.set_group_roles(session=s, actor=ADMIN, group="l1", add=["reporter"]))
    assert _login(demo_url, "agent").can(Permission.REPORTS_READ)  # agent is in l1
    shown = _in(demo_url, lambda s: roles.get_role(session=s, actor=ADMIN, code="reporter"))
    assert (shown.groups, shown.database_level) == (["l1"], "auditor")
    logged = _in(demo_url, lambda s: [(e.action, e.entity, e.entity_key) for e in audit.list_entries(
        session=s, actor=ADMIN, limit=5)])
    assert ("roles", "user_group", "l1") in logged and ("create", "role", "reporter") in logged


def test_an_edited_preset_changes_what_its_holders_may_do(demo_url):
    _in(demo_url, lambda s: roles.update_role(session=s, actor=ADMIN, code="agent",
                                             values={"permissions": ["customers.read", "inquiries.read"]}))
    assert not _login(demo_url, "agent").can(Permission.CUSTOMERS_WRITE)
    with pytest.raises(ValidationError, match="database level 'admin'"):
        _in(demo_url, lambda s: roles.update_role(session=s, actor=ADMIN, code="agent",
                                                 values={"permissions": ["directory.write"]}))


def test_a_queue_scoped_role_supervises_only_its_queues(demo_url):
    _in(demo_url, lambda s: roles.add_role(session=s, actor=ADMIN, values={
        "code": "first_line_admin", "permissions": ["inquiries.read", "inquiries.write", "inquiries.supervise"],
        "queues": ["first_line"]}))
    _in(demo_url, lambda s: role_assignments.set_user_roles(session=s, actor=ADMIN, login="agent",
                                                           add=["first_line_admin"]))
    agent = _login(demo_url, "agent")
    assert not agent.can(Permission.INQUIRIES_SUPERVISE)
    assert _in(demo_url, lambda s: queue_access.can_supervise(agent, queue_by_code(s, "first_line")))
    assert not _in(demo_url, lambda s: queue_access.can_supervise(agent, queue_by_code(s, "vip_line")))


def test_a_role_still_held_is_not_removed_and_says_by_whom(demo_url):
    with pytest.raises(Conflict, match="still held by agent2"):
        _in(demo_url, lambda s: roles.remove_role(session=s, actor=ADMIN, code="problem_manager"))
    _in(demo_url, lambda s: role_assignments.set_user_roles(session=s, actor=ADMIN, login="agent2",
                                                           remove=["problem_manager"]))
    _in(demo_url, lambda s: roles.remove_role(session=s, actor=ADMIN, code="problem_manager"))
    assert "problem_manager" not in [r.code for r in _in(demo_url, lambda s: roles.list_roles(session=s, actor=ADMIN))]


@pytest.mark.parametrize("change", [
    lambda s: roles.update_role(session=s, actor=ADMIN, code="admin", values={"permissions": ["users.read"]}),
    lambda s: roles.update_role(session=s, actor=ADMIN, code="admin", values={
        "permissions": [p.value for p in Permission if p is not Permission.USERS_WRITE]}),
    lambda s: users.update_user(session=s, actor=ADMIN, login="admin", values={"active": False},
                                expected_version=None),
    lambda s: users.update_user(session=s, actor=ADMIN, login="admin", values={"role": "supervisor"},
                                expected_version=None),
], ids=["admin-preset-emptied", "users-write-revoked", "last-admin-deactivated", "last-admin-demoted"])
def test_nothing_leaves_nobody_able_to_manage_users(demo_url, change):
    with pytest.raises(ValidationError, match="no active user who may manage users"):
        _in(demo_url, change)
    assert _login(demo_url, "admin").can(Permission.USERS_WRITE)


def test_only_user_managers_change_roles(demo_url):
    with pytest.raises(PermissionDenied):
        _in(demo_url, lambda s: roles.add_role(session=s, actor=AGENT, values={"code": "mine"}))
    with pytest.raises(ValidationError, match="unknown permission"):
        _in(demo_url, lambda s: roles.add_role(session=s, actor=ADMIN, values={"code": "x", "permissions": ["nope"]}))


def test_roles_travel_as_config_as_code_and_through_the_cli(demo_url, tmp_path):
    from test_cli import cli_on

    cli = cli_on(demo_url, tmp_path / "home")
    added = cli("role", "add", "qa", "-p", "reports.read", "-p", "inquiries.read", "--name", "Quality")
    assert added.exit_code == 0, added.output
    assert cli("user", "roles", "auditor", "--add", "qa", "--json").stdout.count("qa") == 1
    target = tmp_path / "config.yaml"
    assert cli("config", "export", str(target)).exit_code == 0
    exported = target.read_text(encoding="utf-8")
    assert "code: qa" in exported and "problem_manager" in exported
    assert cli("role", "remove", "qa").stderr.startswith("error: role 'qa' is still held by auditor")
    assert cli("user", "roles", "auditor", "--remove", "qa").exit_code == 0
    assert cli("role", "remove", "qa").exit_code == 0
    again = cli("config", "import", str(target), "--json")
    assert again.exit_code == 0, again.output
    shown = cli("role", "show", "qa", "--json")
    assert '"reports.read"' in shown.stdout and "auditor" in shown.stdout  # the file gave the role back to auditor


def test_a_user_with_a_database_login_gets_no_role_beyond_its_group(request):
    """PostgreSQL, per-user logins: dbpm's login sits in the agent group, which cannot write users — a role
    needing that is refused; the problem manager (operational writes) fits."""
    from test_db_logins import _add

    url = request.getfixturevalue("pg_demo")
    _add(url, "dbpm", "agent")
    _in(url, lambda s: roles.add_role(session=s, actor=ADMIN, values={
        "code": "security_admin", "permissions": ["users.read", "users.write"]}))
    with pytest.raises(ValidationError, match="role 'security_admin' needs 'admin'"):
        _in(url, lambda s: role_assignments.set_user_roles(session=s, actor=ADMIN, login="dbpm",
                                                           add=["security_admin"]))
    held = _in(url, lambda s: role_assignments.set_user_roles(session=s, actor=ADMIN, login="dbpm",
                                                              add=["problem_manager"]))
    assert held == ["agent", "problem_manager"]
