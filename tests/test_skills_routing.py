"""Skills routing (issue 24, item 4): route steps and queues require skills with minimum levels; take-next
gives an agent only inquiries they are skilled for, best match first (the sum of the agent's levels in the
skills the inquiry's step requires), then priority, deadline and age; supervisors see per queue how many
logged-in members can take its work. On both databases (take-next has one path per backend)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from crmterm.errors import PermissionDenied, ValidationError
from crmterm.services.accounts import presence
from crmterm.services.accounts.permissions import SYSTEM, Actor, Role
from crmterm.services.directory import directory
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.services.routing import agent_skills, queues
from crmterm.store import AuditLog, Route, User
from helpers import act, demo_people

NO_DATA = {"topic": "no_data", "values": {"problem_since": "2026-11-26 10:00", "device_restarted": True}}


def require_at_first_line(url: str, skills: dict[str, int]) -> None:
    """The skills the technical-fault route's first step (first_line queue) requires from now on."""
    with act_session(url) as session:
        steps = session.exec(select(Route.steps).where(Route.code == "technical_fault")).one()
    steps = [{**s, "skills": skills} if s["code"] == "first_line" else s for s in steps]
    act(url, directory.update_entry, SYSTEM, kind="routes", key="technical_fault", values={"steps": steps},
        expected_version=None)


def act_session(url: str):
    from crmterm.store.db import unit_of_work

    return unit_of_work(url)


def registered(url: str) -> int:
    """A no-data inquiry of a non-VIP caller: it waits in first_line."""
    return act(url, register, demo_people(url)["agent"],
               draft=ContactDraft.model_validate({"inquiries": [NO_DATA]})).inquiry_ids[0]


def agent(url: str, login: str, skills: dict[str, int]) -> Actor:
    """A new first-line agent (group l1) with these skills."""
    with act_session(url) as session:
        user = User(login=login, display_name=login, role_code="agent", groups=["l1"])
        session.add(user)
        session.flush()
        actor = Actor(login=login, role=Role.AGENT, id=user.id)
    for code, level in skills.items():
        act(url, agent_skills.set_skill, SYSTEM, login=login, skill=code, level=level)
    return actor


def take(url: str, actor: Actor, queue: str = "first_line") -> int | None:
    return act(url, queues.take_next, actor, queue=queue)


def test_take_next_gives_only_skilled_work_best_match_first(demo_url):
    anyone = registered(demo_url)
    require_at_first_line(demo_url, {"en": 3})
    english = registered(demo_url)
    require_at_first_line(demo_url, {"en": 3, "ru": 1})
    english_and_russian = registered(demo_url)
    require_at_first_line(demo_url, {"ru": 2})
    russian = registered(demo_url)
    speaks_english = agent(demo_url, "eng", {"en": 4})
    bilingual = agent(demo_url, "bil", {"en": 4, "ru": 2})
    unskilled = agent(demo_url, "none", {})

    # the English-only agent: the English inquiry before the older one anybody may take; never a Russian one
    assert take(demo_url, speaks_english) == english
    # best match first: en 4 + ru 2 = 6, then ru 2 = 2, then what needs no skill (0); age decides nothing here
    assert take(demo_url, bilingual) == english_and_russian
    assert take(demo_url, bilingual) == russian
    assert take(demo_url, speaks_english) == anyone
    assert take(demo_url, unskilled) is None


def test_an_agent_lacking_a_level_gets_nothing_that_needs_it(demo_url):
    require_at_first_line(demo_url, {"en": 3})
    registered(demo_url)
    beginner = agent(demo_url, "beginner", {"en": 2})
    assert take(demo_url, beginner) is None
    act(demo_url, agent_skills.set_skill, SYSTEM, login="beginner", skill="en", level=3)
    assert take(demo_url, beginner) is not None


def test_a_queue_requirement_applies_to_all_its_work(demo_url):
    act(demo_url, directory.update_entry, SYSTEM, kind="queues", key="first_line", values={"skills": {"ru": 3}},
        expected_version=None)
    waiting = registered(demo_url)
    weak, fluent = agent(demo_url, "weak", {"ru": 2}), agent(demo_url, "fluent", {"ru": 4})
    with pytest.raises(PermissionDenied, match=r"weak lacks the skills queue 'first_line' requires \(ru ≥ 3\)"):
        take(demo_url, weak)
    assert take(demo_url, fluent) == waiting


def test_required_skills_are_checked_when_configured(demo_url):
    with pytest.raises(ValidationError, match="unknown skill 'klingon'"):
        require_at_first_line(demo_url, {"klingon": 1})
    with pytest.raises(ValidationError, match="from 1 to 5"):
        act(demo_url, directory.update_entry, SYSTEM, kind="queues", key="first_line", values={"skills": {"en": 7}},
            expected_version=None)


def test_agent_skills_are_set_listed_removed_and_audited(demo_url):
    people = demo_people(demo_url)
    act(demo_url, agent_skills.set_skill, people["admin"], login="agent", skill="mobile_internet", level=2)
    mine = {s.skill: s.level for s in act(demo_url, agent_skills.list_skills, people["agent"])}
    assert mine == {"ru": 5, "en": 1, "billing_disputes": 3, "mobile_internet": 2}  # demo skills + the new one
    act(demo_url, agent_skills.remove_skill, people["admin"], login="agent", skill="en")
    assert "en" not in {s.skill for s in act(demo_url, agent_skills.list_skills, people["admin"], login="agent")}
    with pytest.raises(PermissionDenied):
        act(demo_url, agent_skills.set_skill, people["supervisor"], login="agent", skill="en", level=5)
    with pytest.raises(ValidationError):
        act(demo_url, agent_skills.set_skill, people["admin"], login="agent", skill="en", level=0)
    with act_session(demo_url) as session:
        changes = session.exec(select(AuditLog.before, AuditLog.after).where(AuditLog.action == "skill")
                               .order_by(AuditLog.id)).all()
    assert changes[-2:] == [(None, {"skill": "mobile_internet", "level": 2}), ({"skill": "en", "level": 1}, None)]


def test_staffing_counts_logged_in_members_who_have_the_queues_skills(demo_url):
    people = demo_people(demo_url)
    act(demo_url, presence.touch, people["agent"])  # group l1 (first_line), en 1
    act(demo_url, presence.touch, people["agent2"])  # group l1 and vip_line (requires en 2) member with en 4
    staffing = {q.code: q for q in act(demo_url, agent_skills.staffing, people["supervisor"])}
    assert (staffing["first_line"].online, staffing["first_line"].can_take) == (2, 2)
    assert (staffing["vip_line"].skills, staffing["vip_line"].online, staffing["vip_line"].can_take) == (
        {"en": 2}, 1, 1)
    act(demo_url, agent_skills.set_skill, SYSTEM, login="agent2", skill="en", level=1)
    assert act(demo_url, agent_skills.staffing, people["supervisor"])[1].can_take == 0
    act(demo_url, presence.leave, people["agent2"])
    staffing = {q.code: q for q in act(demo_url, agent_skills.staffing, people["supervisor"])}
    assert staffing["vip_line"].online == 0
    with pytest.raises(PermissionDenied):
        act(demo_url, agent_skills.staffing, people["agent"])


def test_skill_commands_and_queue_staffing_on_the_command_line(demo_url, tmp_path):
    import json

    from test_cli import cli_on

    cli = cli_on(demo_url, tmp_path / "home")
    assert cli("skill", "set", "agent2", "billing_disputes", "4").exit_code == 0
    listed = json.loads(cli("skill", "list", "agent2", "--json").stdout)
    assert [(s["skill"], s["level"]) for s in listed] == [("en", 4), ("ru", 3), ("mobile_internet", 4),
                                                          ("billing_disputes", 4)]
    assert cli("skill", "remove", "agent2", "ru").exit_code == 0
    unknown = cli("skill", "set", "agent2", "klingon", "3")
    assert unknown.exit_code == 1 and unknown.stderr == "error: Skill 'klingon' not found\n"
    assert cli("queue", "skills", "first_line", "ru=2", "en=1").stdout == "first_line: ru ≥ 2, en ≥ 1\n"
    assert cli("queue", "skills", "first_line", "--clear").stdout == "first_line: —\n"
    assert cli("queue", "skills", "first_line", "en").stderr == "error: skills: write SKILL=LEVEL, e.g. en=3\n"
    staffing = json.loads(cli("queue", "staffing", "--json").stdout)
    assert {"code": "vip_line", "skills": {"en": 2}, "online": 0, "can_take": 0}.items() <= staffing[1].items()
