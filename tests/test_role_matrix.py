"""The role matrix (issue 12): every service entry point called as every role — agent, supervisor, admin,
auditor and anonymous — against one declared table (role_matrix_calls.py, role_matrix_work.py) derived from the
permission map of crmterm/services/accounts/permissions.py. Roles without the permission are refused (PermissionDenied);
roles with it succeed. Each call runs in its own transaction, rolled back, on one demo database per backend.

Also: the table covers every entry point (or says why not), the rules that are not one permission (queue
membership, holding the inquiry, auditors change nothing), and docs/permissions.md matches the map."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import pkgutil
from pathlib import Path

import psycopg
import pytest
from role_matrix_activities import ACTIVITY_ENTRIES, ACTIVITY_EXEMPT
from role_matrix_api import API_ROUTES as CONTACT_CENTER_ROUTES
from role_matrix_api import OPEN_ROUTES, Route
from role_matrix_api_sales import SALES_API_ROUTES
from role_matrix_billing import BILLING_ENTRIES, BILLING_EXEMPT
from role_matrix_callbacks import WORK_LIST_ENTRIES
from role_matrix_calls import ADMIN_ENTRIES, CUSTOMER_ENTRIES, REPORT_ENTRIES, ROLES, WRITE_PERMISSIONS, Entry, World
from role_matrix_campaigns import CAMPAIGN_ENTRIES, CAMPAIGN_EXEMPT
from role_matrix_collections import COLLECTIONS_ENTRIES
from role_matrix_content import CONTENT_ENTRIES
from role_matrix_contracts import CONTRACT_ENTRIES, CONTRACT_EXEMPT
from role_matrix_integrations import INTEGRATION_ENTRIES
from role_matrix_mail import MAIL_ENTRIES
from role_matrix_payments import PAYMENT_ENTRIES
from role_matrix_retention import RETENTION_ENTRIES
from role_matrix_roles import NOTE_ENTRIES, ROLE_ENTRIES
from role_matrix_sales import SALES_ENTRIES, SALES_EXEMPT
from role_matrix_service import SERVICE_ENTRIES, SERVICE_EXEMPT
from role_matrix_sync import SYNC_API_ROUTES, SYNC_ENTRIES
from role_matrix_sync_tui import SYNC_TUI_ENTRIES
from role_matrix_work import WORK_ENTRIES, held, waiting
from role_matrix_workspace import WORKSPACE_ENTRIES
from sqlmodel import select

import crmterm.services
from crmterm.errors import PermissionDenied
from crmterm.i18n import set_language
from crmterm.services.accounts.permission_doc import DESCRIPTIONS, render_markdown
from crmterm.services.accounts.permissions import ROLE_PERMISSIONS, Actor, Permission, Role
from crmterm.services.inquiries import inquiry_actions, inquiry_moves
from crmterm.services.inquiries.inquiry_moves import BulkFailed
from crmterm.services.routing import queues
from crmterm.services.routing.queues import InquiryFilter
from crmterm.store import Contract, User
from crmterm.store.db import dispose_all, unit_of_work

API_ROUTES = CONTACT_CENTER_ROUTES + SALES_API_ROUTES + SYNC_API_ROUTES  # the HTTP API's table
ENTRIES: list[Entry] = (CUSTOMER_ENTRIES + ADMIN_ENTRIES + REPORT_ENTRIES + WORK_ENTRIES + CONTENT_ENTRIES
                        + INTEGRATION_ENTRIES + MAIL_ENTRIES + WORK_LIST_ENTRIES + ROLE_ENTRIES + NOTE_ENTRIES
                        + WORKSPACE_ENTRIES + SALES_ENTRIES + ACTIVITY_ENTRIES + BILLING_ENTRIES
                        + COLLECTIONS_ENTRIES + SERVICE_ENTRIES + CONTRACT_ENTRIES + RETENTION_ENTRIES)
ENTRIES += PAYMENT_ENTRIES  # issue 28, items 4, 6, 7
ENTRIES += CAMPAIGN_ENTRIES  # issue 29 items 4-6
ENTRIES += SYNC_ENTRIES  # issue 30
ENTRIES += SYNC_TUI_ENTRIES  # issue 30, the TUI side of offline sync

# Entry points with an `actor` that are not called by people: each checked by its callers, or the check itself.
EXEMPT = {
    "permissions.require": "the check itself",
    "audit.record": "writes the audit row of a change its caller already checked",
    "queues.filter_conditions": "builds the WHERE of queues.page and archive_read.page after their checks",
    "queues.check_filter": "checks a filter saved_filters.save_filter / edit_filter store, after their check",
    "filter_matches.matching_ids": "reads only through queues.page (inquiries.read, the actor's queues)",
    "automation.fire": "runs automation rules after the caller's checked change",
    "automation_actions.run": "actions of an automation rule, run by automation.fire",
    "external_requests.once": "idempotency wrapper of external_events, which checks first",
    "functions.call": "route and automation actions call plugins after their own check; people use functions.run",
    "inquiry_actions.write": "the guarded UPDATE of an action that has checked",
    "inquiry_actions.along": "moving along a transition chosen by a checked action",
    "inquiry_log.record": "logs an event of a checked action",
    "routing_ports.record_event": "inquiry_log.record handed to routing: logs an event of a checked action",
    "scan_ports.record_event": "inquiry_log.record handed to the SLA scan: logs an event of a checked action",
    "scan_ports.set_priority": "inquiry_actions.set_priority handed to the SLA scan, which checks",
    "scan_ports.transfer": "inquiry_actions.transfer handed to the SLA scan, which checks",
    "kb.is_editor": "the knowledge-base editor test (kb.edit) of get_article and search, after their reader check",
    "kb.require_reader": "the knowledge-base reader check itself",
    "registration_extras.write": "script walks and articles of a contact registration.register is saving",
    "registration_guidance.write": "the knowledge package's writer behind registration_extras.write",
    "problem_links.attach": "links inside problem_links.link / registration after their check",
    "problem_links.link_registered": "registration.register links its new inquiry after its own check",
    "problems.claim": "the guarded UPDATE of open/update/close_problem after their check",
    "queue_access.can_supervise": "the queue rule itself",
    "queue_access.can_work": "the queue rule itself",
    "queue_access.queues_of": "the queue rule itself",
    "queue_access.person": "needs a person behind the actor (after the caller's check)",
    "preferences.own_id": "the check itself: one's own preferences and workspace need a person",
    "workspace.effective": "a layout filtered by the actor's rights (pure), inside get/set/reset_workspace",
    "routing.route_new": "routes an inquiry registration.register is creating",
    "routing.log_placement": "logs where registration.register placed its new inquiry",
    "take_pg.take": "the one-statement take-next of queues.take_next on PostgreSQL, after its checks",
    "routing.context_of": "rule context of a checked action",
    "system_moves.move_along": "system moves (SLA, events) after their caller's check",
    "transition_actions.run_actions": "actions of a transition a checked action takes",
    "transition_notices.notify_list": "notifications of a transition a checked action takes",
    **SALES_EXEMPT,
    **ACTIVITY_EXEMPT,
    **BILLING_EXEMPT,
    **SERVICE_EXEMPT,
    **CONTRACT_EXEMPT,
    **CAMPAIGN_EXEMPT,
}

# Entry points written in parallel that the table does not cover yet: the lead moves each into the table (or
# EXEMPT) and empties this set (scripts, knowledge base, backups, erasure and exports are in role_matrix_content).
PENDING: set[str] = set()

# Writes an auditor may still make: personal settings, not business data.
AUDITOR_PERSONAL = {"preferences.set_language", "presence.touch", "presence.leave", "saved_filters.save_filter", "saved_filters.delete_filter", "saved_filters.edit_filter", "notification_inbox.mark_read"}
AUDITOR_PERSONAL |= {"workspace.set_workspace", "workspace.reset_workspace"}  # one's own layout
# …and the use of the knowledge base: opening an article or marking it helpful only counts (and ranks) it.
AUDITOR_USAGE = {"kb_usage.open_article", "kb_usage.mark_helpful"}


class _Rollback(Exception):
    """Raised at the end of every call's unit of work: nothing a call does is kept."""


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request, tmp_path_factory) -> World:
    """One copy of the demo database per backend for the whole module (calls never commit)."""
    yield from _demo_world(request, tmp_path_factory, "matrix")


def _demo_world(request, tmp_path_factory, label: str):
    tmp = tmp_path_factory.mktemp(f"role-{label}")
    if request.param == "sqlite":
        from conftest import copy_demo

        yield _world(copy_demo(request.getfixturevalue("_demo_sqlite_template"), tmp / "demo.db"), tmp)
        dispose_all()
        return
    server, template = request.getfixturevalue("pg_server"), request.getfixturevalue("pg_demo_template")
    name = f"crmterm_{label}_{os.getpid()}"
    with _admin(server) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
    yield _world(server.rsplit("/", 1)[0] + f"/{name}", tmp)
    dispose_all()
    with _admin(server) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _admin(url: str) -> psycopg.Connection:
    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)


def _world(url: str, tmp: Path) -> World:
    with unit_of_work(url) as session:
        people = {u.login: Actor(login=u.login, role=Role(u.role_code), id=u.id) for u in session.exec(select(User))}
        party = session.exec(select(Contract.payer_party_id).where(Contract.number == "NORD-001")).one()
    return World(url=url, tmp=tmp, people=people, party=party)


def call(world: World, entry: Entry, actor: Actor | None):
    """The entry called as `actor` with arguments from its builder; rolled back whatever happens."""
    if entry.own_transaction:
        with unit_of_work(world.url) as session:
            kwargs = entry.build(session, world, actor)
        return entry.func(actor=actor, **kwargs)
    try:
        with unit_of_work(world.url) as session:
            kwargs = entry.build(session, world, actor)
            result = entry.func(session=session, actor=actor, **kwargs)
            session.flush()
            raise _Rollback(result)
    except _Rollback as done:
        return done.args[0]


def outcome(world: World, entry: Entry, actor: Actor | None) -> str:
    try:
        call(world, entry, actor)
    except PermissionDenied:
        return "refused"
    except Exception as error:  # noqa: BLE001 - reported with the entry and role below
        return f"{type(error).__name__}: {error}"
    return "ok"


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
def test_every_role_is_allowed_or_refused_as_declared(world, entry):
    wrong = []
    for role in ROLES:
        got = outcome(world, entry, world.actor(role))
        allowed = role in entry.allowed()
        if allowed:
            fine = got == "ok" or (not entry.must_succeed(world) and got != "refused")
        else:
            fine = got == "refused"
        if not fine:
            wrong.append(f"{role or 'anonymous'}: expected {'success' if allowed else 'refusal'}, got {got}")
    assert not wrong, f"{entry.name} ({entry.rule_text}):\n  " + "\n  ".join(wrong)


MISSING_INT, MISSING_TEXT = 987_654_321, "no-such-target"


def _targets_missing(kwargs: dict, world: World) -> dict:
    """The same call aimed at nothing: every id, code, number and file replaced by one that does not exist."""
    def missing(value):
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return MISSING_INT
        if isinstance(value, str):
            return MISSING_TEXT
        if isinstance(value, Path):
            return world.tmp / "missing" / "nothing.txt"
        return value
    return {name: missing(value) for name, value in kwargs.items()}


def _aimed_at_nothing(world: World, entry: Entry):
    return Entry(entry.func, entry.rule, lambda s, w, a: _targets_missing(entry.build(s, w, a), w),
                 own_transaction=entry.own_transaction)


@pytest.mark.parametrize("entry", [e for e in ENTRIES if isinstance(e.rule, Permission)], ids=lambda e: e.name)
def test_a_refused_role_is_refused_before_the_target_is_looked_up(world, entry):
    """Issue 20, item 6: an agent running an admin-only command on a nonexistent id is told it may not, not that
    the id does not exist (nor that the input is invalid)."""
    aimed = _aimed_at_nothing(world, entry)
    wrong = {str(role or "anonymous"): got for role in ROLES if role not in entry.allowed()
             and (got := outcome(world, aimed, world.actor(role))) != "refused"}
    assert not wrong, f"{entry.name} ({entry.rule_text}) looked at the target first: {wrong}"


def service_entry_points() -> set[str]:
    """Every public function of crmterm.services.* that takes an `actor` by keyword."""
    found = set()
    for info in pkgutil.walk_packages(crmterm.services.__path__, "crmterm.services."):
        module = importlib.import_module(info.name)
        short = info.name.rsplit(".", 1)[-1]  # module names are unique across the domain packages
        for name, fn in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != module.__name__:
                continue
            actor = inspect.signature(fn).parameters.get("actor")
            if actor is not None and actor.kind is not inspect.Parameter.POSITIONAL_ONLY:
                found.add(f"{short}.{name}")
    return found


def test_the_table_covers_every_service_entry_point():
    declared = [e.name for e in ENTRIES]
    assert len(declared) == len(set(declared)), "an entry point is declared twice"
    assert not set(declared) & (set(EXEMPT) | PENDING), "declared and exempt (or pending) at once"
    found = service_entry_points()
    unknown = sorted(found - set(declared) - set(EXEMPT) - PENDING)
    assert not unknown, ("service entry points missing from the role matrix (add them to tests/role_matrix_*.py, "
                         f"or to EXEMPT with a reason): {unknown}")
    stale = sorted((set(declared) | set(EXEMPT) | PENDING) - found)
    assert not stale, f"declared entry points that no longer exist: {stale}"


def test_matrix_size(request):
    """The figure for the closing note: roles × entry points checked (per database)."""
    checks = len(ENTRIES) * len(ROLES)
    if getattr(request.config, "cache", None) is not None:  # absent under -p no:cacheprovider
        request.config.cache.set("role_matrix/size", {"entries": len(ENTRIES), "roles": len(ROLES), "checks": checks,
                                                      "exempt": len(EXEMPT), "pending": len(PENDING)})
    print(f"role matrix: {len(ENTRIES)} entry points × {len(ROLES)} roles = {checks} checks per database")
    assert checks == len(ENTRIES) * 5 and len(ENTRIES) >= 100


def test_anonymous_is_never_allowed_and_auditors_hold_no_write_permission():
    assert all(None not in e.allowed() for e in ENTRIES)
    assert not ROLE_PERMISSIONS[Role.AUDITOR] & WRITE_PERMISSIONS
    writes = [e.name for e in ENTRIES if e.writes and Role.AUDITOR in e.allowed()
              and e.name not in AUDITOR_PERSONAL | AUDITOR_USAGE]
    assert not writes, f"auditors may change data through {writes}"


def test_an_auditor_calling_any_write_entry_is_refused(world):
    auditor = world.people["auditor"]
    allowed = [e.name for e in ENTRIES if e.writes and e.name not in AUDITOR_PERSONAL | AUDITOR_USAGE
               and outcome(world, e, auditor) != "refused"]
    assert not allowed, f"the auditor was not refused by {allowed}"


def _in(world: World, work):
    try:
        with unit_of_work(world.url) as session:
            raise _Rollback(work(session))
    except _Rollback as done:
        return done.args[0]


def test_agents_see_and_take_only_the_queues_they_are_members_of(world):
    agent, auditor = world.people["agent"], world.people["auditor"]
    mine = _in(world, lambda s: [q.code for q in queues.my_queues(session=s, actor=agent)])
    assert set(mine) == {"first_line", "billing_bo", "quality_check", "order_completion",  # group l1, and by name
                         "collections"}
    assert _in(world, lambda s: queues.my_queues(session=s, actor=auditor)) == []  # a member of no queue

    def elsewhere(session) -> int:  # an inquiry waiting in vip_line (members: agent2)
        inquiry = waiting(session, world)
        inquiry_actions.transfer(session=session, actor=world.supervisor, inquiry_id=inquiry, queue="vip_line")
        return inquiry

    def refused(work) -> None:
        with pytest.raises(PermissionDenied):
            _in(world, lambda s: work(s, elsewhere(s)))

    refused(lambda s, i: queues.take_next(session=s, actor=agent, queue="vip_line"))
    refused(lambda s, i: inquiry_actions.take(session=s, actor=agent, inquiry_id=i))
    refused(lambda s, i: queues.page(session=s, actor=agent, where=InquiryFilter(queue="vip_line")))

    def listed(actor: Actor):
        return _in(world, lambda s: (elsewhere(s), {r.id for r in queues.page(
            session=s, actor=actor, where=InquiryFilter(), limit=500).rows}))

    hidden, seen = listed(agent)
    assert hidden not in seen  # no queue given: only the agent's queues (and what they hold)
    shown, seen = listed(auditor)
    assert shown in seen  # auditors read every queue


@pytest.mark.parametrize("action, extra", [
    (inquiry_actions.start, {}), (inquiry_actions.return_to_queue, {}),
    (inquiry_actions.move, {"transition": "to_billing"}), (inquiry_actions.close, {"resolution": "done"}),
    (inquiry_moves.update_values, {"values": {"amount": "200"}, "expected_version": None}),
], ids=lambda v: getattr(v, "__name__", ""))
def test_agents_change_only_inquiries_they_hold(world, action, extra):
    agent, agent2 = world.people["agent"], world.people["agent2"]
    with pytest.raises(PermissionDenied):
        _in(world, lambda s: action(session=s, actor=agent, inquiry_id=held(s, world, agent2), **extra))


def test_an_agent_bulk_change_reserved_to_supervisors_changes_nothing(world):
    agent = world.people["agent"]
    with pytest.raises(BulkFailed) as failed:
        _in(world, lambda s: inquiry_moves.bulk(session=s, actor=agent, operation="priority",
                                                ids=[waiting(s, world)], priority="low"))
    assert [r.ok for r in failed.value.results] == [False]


def test_docs_permissions_md_matches_the_map():
    set_language("en")
    assert not [p.value for p in Permission if p not in DESCRIPTIONS], "describe it in services/accounts/permission_doc.py"
    doc = Path(__file__).parents[1] / "docs" / "permissions.md"
    assert doc.read_text(encoding="utf-8") == render_markdown(), (
        "docs/permissions.md is out of date: run `crmterm --lang en user roles --markdown > docs/permissions.md`")


def test_user_roles_prints_the_map(tmp_path):
    from test_cli import app, runner

    env = {"CRMTERM_HOME": str(tmp_path), "CRMTERM_USER": None, "CRMTERM_PASSWORD": None}
    shown = runner.invoke(app, ["--lang", "en", "user", "roles", "--markdown"], env=env)
    assert shown.exit_code == 0, shown.output
    set_language("en")
    assert shown.stdout == render_markdown()
    listed = runner.invoke(app, ["user", "roles", "--json"], env=env)
    rows = {row["permission"]: row for row in json.loads(listed.stdout)}
    assert rows["inquiries.supervise"]["supervisor"] and not rows["inquiries.supervise"]["agent"]


# --- the third caller: the HTTP API (tests/role_matrix_api.py) -------------------------------------------------
BY_NAME = {entry.name: entry for entry in ENTRIES}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def api_world(request, tmp_path_factory):
    """A demo database of its own per backend (API calls commit, so never the service calls' world), the app on
    it, and a write token per role (anonymous: none)."""
    from api_support import token_for

    from crmterm.api import create_app
    from crmterm.settings import Settings

    for world in _demo_world(request, tmp_path_factory, "matrix_api"):
        tokens = {role: token_for(world.url, role.value) for role in ROLES if role is not None}
        yield world, create_app(Settings(database_url=world.url)), tokens


async def _answer(api_world, route: Route, role: Role | None, scope_token: str | None = None) -> int:
    import httpx

    world, app, tokens = api_world
    path, kwargs = route.request(world, world.actor(role))
    token = scope_token or tokens.get(role)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://crm") as client:
        return (await client.request(route.method, path, headers=headers, **kwargs)).status_code


@pytest.mark.parametrize("route", API_ROUTES, ids=lambda r: r.name)
async def test_every_api_route_answers_each_role_as_the_matrix_says(api_world, route):
    """2xx when the matrix allows the role the service the route calls, 403 when it refuses; 401 without a token."""
    entry = BY_NAME[route.service]
    wrong = []
    for role in ROLES:
        got = await _answer(api_world, route, role)
        expected = "401" if role is None else "2xx" if role in entry.allowed() else "403"
        if (expected == "2xx" and not 200 <= got < 300) or (expected != "2xx" and str(got) != expected):
            wrong.append(f"{role or 'anonymous'}: expected {expected}, got {got}")
    assert not wrong, f"{route.name} → {entry.name} ({entry.rule_text}):\n  " + "\n  ".join(wrong)


async def test_a_read_only_token_is_refused_every_write_route_even_for_an_admin(api_world):
    from api_support import token_for

    read_only = token_for(api_world[0].url, "admin", scope="read", name="matrix-read")
    answers = {route.name: await _answer(api_world, route, Role.ADMIN, read_only) for route in API_ROUTES
               if BY_NAME[route.service].writes}
    assert answers and set(answers.values()) == {403}, answers


def test_the_api_table_covers_every_route_and_names_matrix_entries(sqlite_url):
    from crmterm.api import create_app
    from crmterm.settings import Settings

    paths = create_app(Settings(database_url=sqlite_url)).openapi()["paths"]
    served = {f"{method.upper()} {path}" for path, methods in paths.items() for method in methods}
    declared = [route.name for route in API_ROUTES]
    assert len(declared) == len(set(declared)), "a route is declared twice"
    assert served - set(OPEN_ROUTES) == set(declared), (served - set(OPEN_ROUTES)) ^ set(declared)
    assert not [r.service for r in API_ROUTES if r.service not in BY_NAME], "not an entry of the role matrix"
    assert all((r.method == "GET") != BY_NAME[r.service].writes for r in API_ROUTES), "a GET that writes"
