"""Skills routing under concurrency (issue 24, item 4): 16 agent processes with different skills take from one
queue holding a mix of inquiries (English, Russian, both, no requirement) at the same moment. Nobody takes an
inquiry twice, nobody gets one they are not skilled for, and every inquiry is taken by the end (each kind has
agents skilled for it, and an agent stops only when nothing is left for them). On SQLite and PostgreSQL."""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlmodel import select

import crmterm.services.routing.queues  # noqa: F401 - imported once here rather than in every process
from crmterm.services.accounts.permissions import SYSTEM, Actor, Role
from crmterm.services.routing import agent_skills
from crmterm.store import Inquiry, InquiryEvent, StepSkill, User
from crmterm.store.db import unit_of_work
from helpers import act
from test_skills_routing import registered, require_at_first_line

pytestmark = pytest.mark.xdist_group("processes")  # one worker: these compete for CPU with each other

NEEDS = ({"en": 3}, {"ru": 2}, {"en": 2, "ru": 2}, {})  # the mix in the queue
SKILL_SETS = ({"en": 4}, {"ru": 3}, {"en": 3, "ru": 3}, {"ru": 1})  # the agents, in turn
PROCESSES, COPIES = 16, 40  # 40 inquiries of each kind


def fill(url: str) -> dict[int, dict[str, int]]:
    """COPIES waiting inquiries of each kind in NEEDS (one registered, the rest copied); id -> what it needs."""
    needs: dict[int, dict[str, int]] = {}
    for need in NEEDS:
        require_at_first_line(url, need)
        first = registered(url)
        with unit_of_work(url) as session:
            row = session.get(Inquiry, first).model_dump(exclude={"id"})
            ids = session.execute(insert(Inquiry).returning(Inquiry.id), [row] * (COPIES - 1)).scalars().all()
        needs.update({i: need for i in [first, *ids]})
    return needs


def agents(url: str) -> list[Actor]:
    with unit_of_work(url) as session:
        users = [User(login=f"skilled{n:02}", display_name=f"Skilled {n}", role_code="agent", groups=["l1"])
                 for n in range(PROCESSES)]
        session.add_all(users)
        session.flush()
        actors = [Actor(login=u.login, role=Role.AGENT, id=u.id) for u in users]
    for n, actor in enumerate(actors):
        for code, level in SKILL_SETS[n % len(SKILL_SETS)].items():
            act(url, agent_skills.set_skill, SYSTEM, login=actor.login, skill=code, level=level)
    return actors


def _agent(url: str, actor: Actor, home: Path, ready, go, results) -> None:
    from crmterm.services.routing import queues
    from crmterm.store import db

    os.environ["CRMTERM_HOME"] = str(home)
    for engine in db._engines.values():
        engine.dispose(close=False)  # the parent's pooled connections: not ours to use, nor to close
    db._engines.clear()
    taken, errors = [], []
    ready.put(actor.login)
    go.wait()
    while len(errors) < 20:
        try:
            got = db.in_transaction(url, lambda s: queues.take_next(session=s, actor=actor, queue="first_line"))
        except Exception as error:  # noqa: BLE001 - any error under contention is a finding
            errors.append(f"{type(error).__name__}: {str(error).splitlines()[0][:200]}")
            continue
        if got is None:
            break
        taken.append(got)
    results.put({"login": actor.login, "taken": taken, "errors": errors})


def race(url: str, actors: list[Actor], home: Path) -> list[dict]:
    context = multiprocessing.get_context("fork")
    ready, go, results = context.Queue(), context.Event(), context.Queue()
    processes = [context.Process(target=_agent, args=(url, a, home, ready, go, results)) for a in actors]
    for process in processes:
        process.start()
    for _actor in actors:
        ready.get(timeout=120)
    go.set()
    found = [results.get(timeout=300) for _actor in actors]
    for process in processes:
        process.join(60)
        assert process.exitcode == 0
    return found


def test_sixteen_skilled_agents_take_a_mixed_queue_each_once_and_only_what_they_can(demo_url, tmp_path):
    needs = fill(demo_url)
    actors = agents(demo_url)
    with unit_of_work(demo_url) as session:  # the requirements really are rows take-next joins
        assert len(session.exec(select(StepSkill)).all()) == 4
    results = race(demo_url, actors, tmp_path / "home")
    assert [e for r in results for e in r["errors"]] == []
    everything = [i for r in results for i in r["taken"]]
    assert [i for i, n in Counter(everything).items() if n > 1] == []
    assert set(everything) == set(needs)
    skills = {a.login: SKILL_SETS[n % len(SKILL_SETS)] for n, a in enumerate(actors)}
    unskilled = [(r["login"], i) for r in results for i in r["taken"]
                 if any(skills[r["login"]].get(code, 0) < level for code, level in needs[i].items())]
    assert unskilled == []
    with unit_of_work(demo_url) as session:
        events = session.exec(select(InquiryEvent.inquiry_id, InquiryEvent.actor)
                              .where(InquiryEvent.kind == "taken")).all()
    assert sorted(events) == sorted((i, r["login"]) for r in results for i in r["taken"])
