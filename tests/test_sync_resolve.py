"""Resolving sync conflicts on a laptop node (issue 30, the TUI side): each choice leaves the local row and the
shadow so that the node's next push does what the user chose — nothing for "theirs", old = theirs → new = the
kept or edited value for "ours" and "edit" — and a conflict is resolved once. A node is a SQLite file."""

from __future__ import annotations

import pytest
from helpers import ADMIN, AGENT, AUDITOR, act
from sqlmodel import select
from sync_node_data import make_node

from crmterm.errors import Conflict, PermissionDenied, ValidationError
from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.sync import journal, sync_views
from crmterm.services.sync.node import SyncUnreachable
from crmterm.services.sync.resolve import resolve_conflict
from crmterm.store import AuditLog, Party
from crmterm.store.db import unit_of_work
from crmterm.store.sync import SyncConflict, SyncShadow


def _pushes(url: str, party_id: int) -> list[tuple]:
    """What the node's next push would send for the customer (field, old, new)."""
    with unit_of_work(url) as session:
        return [(c.field, c.old, c.new) for c in journal.diff(session) if c.table == "party" and c.row_id == party_id]


def _phone_and_base(url: str, party_id: int) -> tuple[str, str]:
    with unit_of_work(url) as session:
        return session.get(Party, party_id).phone, session.get(SyncShadow, ("party", party_id)).data["phone"]


def test_theirs_takes_the_servers_value_and_leaves_nothing_to_push(sqlite_url):
    node = make_node(sqlite_url)
    resolved = act(sqlite_url, resolve_conflict, AGENT, conflict_id=node.phone, choice="theirs")
    assert (resolved.resolution, resolved.resolved_at is not None) == ("theirs", True)
    assert _phone_and_base(sqlite_url, node.parties[0]) == ("+74951112233", "+74951112233")
    assert _pushes(sqlite_url, node.parties[0]) == []
    with unit_of_work(sqlite_url) as session:
        logged = session.exec(select(AuditLog).where(AuditLog.entity == "sync_conflict")).one()
    assert (logged.actor, logged.action, logged.after["resolution"]) == ("agent", "resolve", "theirs")


def test_ours_keeps_the_local_value_and_pushes_it_over_the_servers(sqlite_url):
    node = make_node(sqlite_url)
    act(sqlite_url, resolve_conflict, AGENT, conflict_id=node.phone, choice="ours")
    assert _phone_and_base(sqlite_url, node.parties[0]) == ("+79161234567", "+74951112233")
    assert _pushes(sqlite_url, node.parties[0]) == [("phone", "+74951112233", "+79161234567")]


def test_edit_puts_the_typed_value_checked_like_the_field(sqlite_url):
    node = make_node(sqlite_url)
    act(sqlite_url, resolve_conflict, AGENT, conflict_id=node.phone, choice="edit", value="8 (916) 765-43-21")
    assert _phone_and_base(sqlite_url, node.parties[0]) == ("+79167654321", "+74951112233")
    assert _pushes(sqlite_url, node.parties[0]) == [("phone", "+74951112233", "+79167654321")]


def test_a_refused_edit_changes_nothing_and_names_the_field(sqlite_url):
    node = make_node(sqlite_url)
    with pytest.raises(ValidationError) as refused:
        act(sqlite_url, resolve_conflict, AGENT, conflict_id=node.email, choice="edit", value="not an address")
    assert refused.value.field == "email"
    with unit_of_work(sqlite_url) as session:
        assert session.get(SyncConflict, node.email).resolved_at is None
        assert session.get(Party, node.parties[1]).email == "mine@example.com"


def test_a_conflict_is_resolved_once(sqlite_url):
    node = make_node(sqlite_url)
    act(sqlite_url, resolve_conflict, AGENT, conflict_id=node.email, choice="theirs")
    with pytest.raises(Conflict, match="already resolved"):
        act(sqlite_url, resolve_conflict, AGENT, conflict_id=node.email, choice="ours")
    assert [c.id for c in act(sqlite_url, sync_views.open_conflicts, AGENT)] == [node.phone, node.refused]


def test_a_refused_change_can_only_be_acknowledged(sqlite_url):
    node = make_node(sqlite_url)
    with pytest.raises(ValidationError, match="acknowledged"):
        act(sqlite_url, resolve_conflict, AGENT, conflict_id=node.refused, choice="ours")
    assert act(sqlite_url, resolve_conflict, AGENT, conflict_id=node.refused, choice="theirs").resolution == "theirs"


def test_the_status_counts_and_an_auditor_may_not_resolve(sqlite_url):
    node = make_node(sqlite_url)
    shown = act(sqlite_url, sync_views.node_status, AGENT)
    assert (shown.configured, shown.online, shown.pending, shown.conflicts) == (True, False, 1, 3)
    with pytest.raises(PermissionDenied):
        act(sqlite_url, resolve_conflict, AUDITOR, conflict_id=node.phone, choice="theirs")


def test_only_the_laptops_own_user_or_an_admin_changes_its_sync_state(sqlite_url):
    node = make_node(sqlite_url)  # synchronised as agent
    colleague = Actor(login="agent2", role=Role.AGENT)
    with pytest.raises(PermissionDenied, match="as agent"):
        act(sqlite_url, resolve_conflict, colleague, conflict_id=node.phone, choice="ours")
    with pytest.raises(PermissionDenied):
        sync_views.sync_now(actor=colleague, database_url=sqlite_url)
    assert act(sqlite_url, resolve_conflict, ADMIN, conflict_id=node.phone, choice="ours").resolution == "ours"


def test_a_sync_from_the_tui_without_the_server_is_logged_and_the_laptop_offline(sqlite_url):
    make_node(sqlite_url, online=True)  # its server: a closed port
    with pytest.raises(SyncUnreachable):
        sync_views.sync_now(actor=AGENT, database_url=sqlite_url)
    shown = act(sqlite_url, sync_views.node_status, AGENT)
    assert (shown.online, shown.pending, shown.last_error is not None) == (False, 1, True)
    assert act(sqlite_url, sync_views.recent_syncs, AGENT)[0].error
