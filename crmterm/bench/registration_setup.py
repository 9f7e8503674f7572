"""What the registration figures register: four bench topics under one group (a request with five typed
attributes, one mandatory by rule; a request with a dictionary item; a complaint; a consultation, closed at
once) and sixteen bench agents, put in place by `crmterm config import` (so a re-run on the same data set
finds them and changes nothing), and drafts drawn from them with a seeded generator: topic, attribute
values, channel, direction and a customer drawn uniformly from the whole data set."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, func, select

from crmterm.services.accounts.permissions import SYSTEM, Actor, Role
from crmterm.services.directory import config_io, yaml_lines
from crmterm.services.inquiries.registration import ContactDraft
from crmterm.store import Channel, Party, Queue, User
from crmterm.store.db import unit_of_work

AGENTS = 16
LOGINS = [f"bench_agent_{n:02}" for n in range(AGENTS)]
_ITEMS = {"bench_reg_regions": ["north", "south", "east", "west", "centre"],
          "bench_reg_products": ["mobile", "home", "tv", "cloud"]}
# topic code -> (inquiry type, [(attribute code, type, mandatory rule or "false", dictionary)])
TOPICS: dict[str, tuple[str, list[tuple[str, str, str, str | None]]]] = {
    "bench_reg_topic": ("request", [
        ("bench_reg_amount", "decimal", "false", None), ("bench_reg_when", "date", "false", None),
        ("bench_reg_count", "integer", "false", None), ("bench_reg_flag", "bool", "false", None),
        ("bench_reg_reason", "string", "inquiry.attrs.bench_reg_amount > 100", None)]),
    "bench_reg_fault": ("request", [
        ("bench_reg_region", "dictionary", "true", "bench_reg_regions"), ("bench_reg_since", "date", "false", None),
        ("bench_reg_speed", "integer", "false", None)]),
    "bench_reg_complaint": ("complaint", [
        ("bench_reg_claim", "decimal", "true", None), ("bench_reg_story", "string", "true", None),
        ("bench_reg_callback", "bool", "false", None), ("bench_reg_product", "dictionary", "false",
                                                       "bench_reg_products")]),
    "bench_reg_question": ("consultation", [("bench_reg_subject", "string", "false", None)]),
}
_WORDS = ["roaming", "invoice", "tariff", "router", "balance", "coverage", "refund", "SIM", "speed", "bonus"]


@dataclass(frozen=True)
class Setup:
    """Everything a (possibly other) process needs to draw drafts: plain values, picklable for spawn."""

    agents: list[tuple[str, int]]  # (login, user id), bench_agent_00 first
    channels: list[str]
    max_party_id: int

    def actor(self, n: int) -> Actor:
        login, user_id = self.agents[n % len(self.agents)]
        return Actor(login=login, role=Role.AGENT, id=user_id)


def ensure_setup(url: str) -> Setup:
    """Topics, routes and agents in place (created on the first run, found on the next ones)."""
    with unit_of_work(url) as session:
        document = yaml_lines.parse(yaml_lines.dump(_document(session)), file="bench")  # as a file reads
        config_io.import_document(session=session, actor=SYSTEM, document=document, file=None, source="bench")
    with unit_of_work(url) as session:
        agents = session.exec(select(User.login, User.id).where(col(User.login).in_(LOGINS))
                              .order_by(User.login)).all()
        channels = list(session.exec(select(Channel.code).where(col(Channel.active)).order_by(Channel.code)).all())
        max_party = session.exec(select(func.max(Party.id))).one() or 0
    return Setup(agents=[(login, int(i)) for login, i in agents if i is not None], channels=channels,
                 max_party_id=max_party)


def _document(session: Session) -> dict:
    queue = session.exec(select(Queue.code).order_by(col(Queue.id)).limit(1)).first()
    document: dict = {
        "crmterm_config": 1,
        "dictionaries": [{"code": code, "kind": "internal", "labels": {"en": code},
                          "items": [{"code": item, "labels": {"en": item}} for item in items]}
                         for code, items in _ITEMS.items()],
        "topics": [{"code": "bench_reg", "short_code": 990, "is_group": True, "labels": {"en": "Bench"}}]
        + [{"code": code, "parent": "bench_reg", "short_code": n + 1, "inquiry_type": kind,
            "labels": {"en": code}} for n, (code, (kind, _a)) in enumerate(TOPICS.items())],
        "attributes": [{"code": code, "topic": topic, "type": kind, "mandatory": rule, "sort_order": n,
                        "labels": {"en": code}, **({"dictionary": source} if source else {})}
                       for topic, (_k, attributes) in TOPICS.items()
                       for n, (code, kind, rule, source) in enumerate(attributes)],
        "users": [{"login": login, "display_name": login, "role": "agent"} for login in LOGINS],
    }
    if queue:  # requests and complaints are routed like every request: into their first step's queue
        routed = [code for code, (kind, _a) in TOPICS.items() if kind != "consultation"]
        document["routes"] = [{"code": "bench_reg_route", "labels": {"en": "Bench"}, "topics": routed,
                               "steps": [{"code": "work", "queue": queue}, {"code": "done", "final": True}],
                               "transitions": [{"code": "done", "from": "work", "to": "done"}]}]
    return document


def customers(session: Session, setup: Setup, count: int, rng: random.Random) -> list[int]:
    """`count` customer ids drawn uniformly over the whole table: a random id, then the first real one from
    there (ids have gaps), never the first N rows."""
    found = []
    for _round in range(count):
        lowest = rng.randint(1, max(1, setup.max_party_id))
        found.append(session.exec(select(Party.id).where(col(Party.id) >= lowest).order_by(col(Party.id))
                                  .limit(1)).first() or setup.max_party_id)
    return found


def draft(rng: random.Random, setup: Setup, customer: int, topic: str | None = None) -> ContactDraft:
    topic = topic or rng.choice(list(TOPICS))
    values = {code: _value(rng, kind, source) for code, kind, _rule, source in TOPICS[topic][1]}
    return ContactDraft(customer=customer, direction=rng.choice(["in", "in", "in", "out"]),
                        channel=rng.choice(setup.channels) if setup.channels else None,
                        text=f"bench {rng.choice(_WORDS)}", inquiries=[{
                            "topic": topic, "text": f"{rng.choice(_WORDS)} {rng.randrange(1000)}",
                            "values": values}])


def _value(rng: random.Random, kind: str, source: str | None) -> str:
    if kind == "decimal":
        return f"{rng.uniform(1, 500):.2f}"
    if kind == "date":
        return (date(2026, 1, 1) + timedelta(days=rng.randrange(330))).isoformat()
    if kind == "integer":
        return str(rng.randrange(1, 100))
    if kind == "bool":
        return rng.choice(["true", "false"])
    if kind == "dictionary" and source:
        return rng.choice(_ITEMS[source])
    return f"{rng.choice(_WORDS)} {rng.randrange(10_000)}"
