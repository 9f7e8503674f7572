"""The role matrix over a configured role (issue 31, item 2): the demo's "system problem manager" — reading plus
problems.manage, defined in data/seed/demo.yaml, not in code — is allowed every entry point whose permission it
holds and refused every other, on both databases, exactly as the presets are in test_role_matrix.py."""

from __future__ import annotations

import pytest
from sqlmodel import select

from crmterm.services.accounts import role_grants
from crmterm.services.accounts.permissions import Actor, Permission, Role
from crmterm.store import User
from crmterm.store.db import unit_of_work
from test_role_matrix import ENTRIES, _demo_world, outcome

PERMISSION_ENTRIES = [e for e in ENTRIES if isinstance(e.rule, Permission)]


# The permission checks are Python in the services, the same on both backends, and the preset matrix runs every
# entry on PostgreSQL already: the configured role's PostgreSQL half runs with the slow tests (suite budget).
@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def world(request, tmp_path_factory):
    yield from _demo_world(request, tmp_path_factory, "configured")


_ACTORS: dict[str, Actor] = {}


def problem_manager(world) -> Actor:
    """A person holding the configured role alone (the demo gives it to agent2, besides the agent preset)."""
    if world.url not in _ACTORS:
        _ACTORS[world.url] = _read_actor(world.url)
    return _ACTORS[world.url]


def _read_actor(url: str) -> Actor:
    with unit_of_work(url) as session:
        user = session.exec(select(User).where(User.login == "agent2")).one()
        permissions, queues = role_grants.combine(role_grants.grants(session, ["problem_manager"]))
    return Actor(login=user.login, role=Role.AGENT, id=user.id, granted=permissions, supervised_queues=queues,
                 roles=("problem_manager",))


def test_the_configured_role_holds_reading_and_problems_only(world):
    assert problem_manager(world).granted == {Permission.DIRECTORY_READ, Permission.CUSTOMERS_READ,
                                              Permission.INQUIRIES_READ, Permission.PROBLEMS_MANAGE}


@pytest.mark.parametrize("entry", PERMISSION_ENTRIES, ids=lambda e: e.name)
def test_a_configured_role_is_allowed_or_refused_as_its_permissions_say(world, entry):
    actor = problem_manager(world)
    got = outcome(world, entry, actor)
    if actor.can(entry.rule):
        assert got == "ok" or (not entry.must_succeed(world) and got != "refused"), f"{entry.name}: {got}"
    else:
        assert got == "refused", f"{entry.name} ({entry.rule_text}): expected refusal, got {got}"
