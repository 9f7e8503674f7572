"""A small random inquiry history for the report tests (seeded, written straight into the store so the
timestamps can lie in the past), and every report's figures computed again by brute force in Python from
the same rows, following the definitions in the report modules' docstrings."""

from __future__ import annotations

import os
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from sqlmodel import select

from crmterm.store import (
    NO_DEADLINE, Channel, ClientCategory, Contact, Inquiry, InquiryEvent, Party, Place, Priority, Queue, Topic,
    User,
)
from crmterm.store.db import dispose_all, unit_of_work

START = datetime(2026, 3, 1, tzinfo=UTC)
END = datetime(2026, 4, 1, tzinfo=UTC)
NOW = datetime(2026, 4, 10, 12, 0, tzinfo=UTC)
OPEN = {"registered", "waiting", "taken", "in_progress"}
STEPS = ("first_line", "back_office", "billing", None)


@dataclass
class World:
    url: str
    inquiries: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    contacts: dict[int, dict] = field(default_factory=dict)
    users: dict[int, str] = field(default_factory=dict)  # id -> login
    topics: dict[int, tuple[int | None, str]] = field(default_factory=dict)  # id -> (parent id, code)
    party_category: dict[int, int | None] = field(default_factory=dict)
    codes: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> code -> id

    def subtree(self, code: str) -> set[int]:
        root = next(i for i, (_p, c) in self.topics.items() if c == code)
        found, todo = set(), [root]
        while todo:
            current = todo.pop()
            found.add(current)
            todo += [i for i, (parent, _c) in self.topics.items() if parent == current]
        return found


def _moment(rng: random.Random, low: datetime, days: float) -> datetime:
    return (low + timedelta(seconds=rng.randint(0, int(days * 86_400)))).replace(microsecond=0)


def build(url: str, seed: int = 7, inquiries: int = 320) -> World:
    rng = random.Random(seed)
    world = World(url)
    with unit_of_work(url) as session:
        _read_config(session, world)
        parties = _parties(session, world, rng)
        logins = {login: uid for uid, login in world.users.items()}
        operators = [logins[x] for x in ("agent", "agent2", "supervisor")]
        contacts = [_contact(world, rng, parties, operators) for _n in range(inquiries)]
        session.add_all(contacts)
        session.flush()  # three flushes in all: ids for contacts, then inquiries, then the events
        rows = [_inquiry(world, rng, contact) for contact in contacts]
        session.add_all(row for row, _first in rows)
        session.flush()
        for (inquiry, first_contact), contact in zip(rows, contacts, strict=True):
            _remember(world, inquiry, contact)
            _events(session, world, rng, inquiry, contact.operator_id, operators, first_contact)
    return world


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request, tmp_path_factory):
    """One history per backend for a whole test module (the reports only read it): a copy of the seeded
    demo database, as the `demo_url` fixture makes, but kept for the module."""
    if request.param == "sqlite":
        from conftest import copy_demo

        target = tmp_path_factory.mktemp("reports") / "reports.db"
        yield build(copy_demo(request.getfixturevalue("_demo_sqlite_template"), target))
        dispose_all()
        return
    server, template = request.getfixturevalue("pg_server"), request.getfixturevalue("pg_demo_template")
    name = f"crmterm_reports_{os.getpid()}_{request.module.__name__.rsplit('.', 1)[-1]}"
    admin = server.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
    try:
        yield build(server.rsplit("/", 1)[0] + f"/{name}")
    finally:
        dispose_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _read_config(session, world: World) -> None:
    world.users = {u.id: u.login for u in session.exec(select(User)).all()}
    world.topics = {t.id: (t.parent_id, t.code) for t in session.exec(select(Topic)).all()}
    for kind, model in (("place", Place), ("channel", Channel), ("category", ClientCategory),
                        ("queue", Queue), ("priority", Priority)):
        world.codes[kind] = {row.code: row.id for row in session.exec(select(model)).all()}
    world.codes["leaf"] = {t.code: t.id for t in session.exec(select(Topic).where(Topic.is_group.is_(False))).all()}


def _parties(session, world: World, rng: random.Random) -> list[int]:
    categories = [None, *world.codes["category"].values()]
    rows = [Party(display_name=f"Customer {n:02d}", category_id=rng.choice(categories)) for n in range(25)]
    session.add_all(rows)
    session.flush()
    world.party_category = {p.id: p.category_id for p in rows}
    return [p.id for p in rows]


def _contact(world: World, rng: random.Random, parties: list[int], operators: list[int]) -> Contact:
    return Contact(at=_moment(rng, START - timedelta(days=35), 75), operator_id=rng.choice([*operators, None]),
                   place_id=rng.choice([None, *world.codes["place"].values()]),
                   channel_id=rng.choice(list(world.codes["channel"].values())),
                   party_id=rng.choice([*parties, None]),
                   client_category_id=rng.choice([None, None, *world.codes["category"].values()]))


def _inquiry(world: World, rng: random.Random, contact: Contact) -> tuple[Inquiry, bool]:
    created = contact.at
    topics = sorted(world.codes["leaf"].values())[:9]  # few topics: customers come back on the same one
    state = rng.choice(["closed", "closed", "closed", "waiting", "taken", "in_progress", "registered", "cancelled"])
    first_contact = state == "closed" and rng.random() < 0.25
    closed_at = None
    if state in ("closed", "cancelled"):
        closed_at = created if first_contact else created + timedelta(seconds=rng.randint(120, 5 * 86_400))
    due = NO_DEADLINE if rng.random() < 0.25 else created + timedelta(hours=rng.randint(1, 96))
    operators = [uid for uid, login in world.users.items() if login in ("agent", "agent2", "supervisor")]
    assignee = rng.choice(sorted(operators)) if state in ("taken", "in_progress") else None
    inquiry = Inquiry(contact_id=contact.id, party_id=contact.party_id, topic_id=rng.choice(topics), type="request",
                      priority_id=rng.choice([None, *world.codes["priority"].values()]), state=state,
                      assignee_id=assignee, closed_at=closed_at, due_at=due, created_at=created, updated_at=created,
                      step=None if first_contact else rng.choice(STEPS),
                      queue_id=None if first_contact else rng.choice([None, *world.codes["queue"].values()]))
    return inquiry, first_contact


def _remember(world: World, inquiry: Inquiry, contact: Contact) -> None:
    world.contacts[contact.id] = {"at": contact.at, "operator_id": contact.operator_id, "place_id": contact.place_id,
                                  "channel_id": contact.channel_id, "party_id": contact.party_id,
                                  "category_id": contact.client_category_id}
    world.inquiries.append({c: getattr(inquiry, c) for c in (
        "id", "contact_id", "party_id", "topic_id", "priority_id", "state", "assignee_id", "closed_at", "due_at",
        "created_at", "step", "queue_id")})


def _events(session, world: World, rng, inquiry: Inquiry, operator, operators, first_contact: bool) -> None:
    login = world.users.get(operator, "system")
    events = [(inquiry.created_at, login, "created")]
    if first_contact:
        events.append((inquiry.closed_at, login, "closed"))
    elif inquiry.state in ("closed", "taken", "in_progress") or rng.random() < 0.2:
        end = inquiry.closed_at or inquiry.created_at + timedelta(days=3)
        span = max(1, int((end - inquiry.created_at).total_seconds()) - 2)
        for _n in range(rng.choice([1, 1, 1, 2])):  # sometimes returned to the queue and taken again
            events.append((inquiry.created_at + timedelta(seconds=rng.randint(1, span)),
                           world.users[rng.choice(operators)], "taken"))
        if inquiry.state == "closed":
            events.append((inquiry.closed_at, world.users[rng.choice(operators)], "closed"))
    if rng.random() < 0.15:
        events.append((inquiry.created_at + timedelta(minutes=5), login, "commented"))
    for at, actor, kind in events:
        session.add(InquiryEvent(inquiry_id=inquiry.id, at=at, actor=actor, kind=kind))
        world.events.append({"inquiry_id": inquiry.id, "at": at, "actor": actor, "kind": kind})


# --- brute force ------------------------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float | None:
    """percentile_cont: linear between the ranks around q·(n−1)."""
    if not values:
        return None
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def hours(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 3600


CONTACT_LEVEL = ("place", "channel", "category")


def contact_matches(world: World, contact: dict, filters: dict) -> bool:
    """The contact-level report filters on one contact; the category is the contact's, else the customer's."""
    category = contact["category_id"] if contact["category_id"] is not None else \
        world.party_category.get(contact["party_id"])
    checks = {"place": lambda v: contact["place_id"] == world.codes["place"][v],
              "channel": lambda v: contact["channel_id"] == world.codes["channel"][v],
              "category": lambda v: category == world.codes["category"][v]}
    return all(checks[key](value) for key, value in filters.items() if key in CONTACT_LEVEL)


def matches(world: World, inquiry: dict, filters: dict) -> bool:
    """The report filters (reports_scope) on one inquiry, without the period."""
    if "topic" in filters and inquiry["topic_id"] not in world.subtree(filters["topic"]):
        return False
    if "queue" in filters and inquiry["queue_id"] != world.codes["queue"][filters["queue"]]:
        return False
    return contact_matches(world, world.contacts[inquiry["contact_id"]], filters)


def in_period(world: World, filters: dict, start=START, end=END) -> list[dict]:
    return [i for i in world.inquiries if start <= i["created_at"] < end and matches(world, i, filters)]


def topics(world: World, filters: dict) -> dict[int, dict]:
    rows: dict[int, dict] = defaultdict(lambda: {"registered": 0, "closed": 0, "open": 0, "cancelled": 0,
                                                 "first": 0, "hours": []})
    for i in in_period(world, filters):
        row = rows[i["topic_id"]]
        row["registered"] += 1
        row["open"] += i["state"] in OPEN
        row["cancelled"] += i["state"] == "cancelled"
        if i["state"] == "closed":
            row["closed"] += 1
            row["hours"].append(hours(i["created_at"], i["closed_at"]))
            row["first"] += hours(i["created_at"], i["closed_at"]) <= 1 / 3600
    return dict(rows)


def operators(world: World, filters: dict) -> dict[str, dict]:
    by_id = {i["id"]: i for i in world.inquiries}
    rows: dict[str, dict] = defaultdict(lambda: {"contacts": 0, "created": set(), "taken": set(), "closed": set(),
                                                 "handling": [], "late": set(), "overdue": 0})
    inquiry_level = {k: v for k, v in filters.items() if k not in CONTACT_LEVEL}
    for contact_id, c in world.contacts.items():
        if c["operator_id"] and START <= c["at"] < END and contact_matches(world, c, filters) and (
                not inquiry_level or any(matches(world, i, inquiry_level) for i in world.inquiries
                                         if i["contact_id"] == contact_id)):
            rows[world.users[c["operator_id"]]]["contacts"] += 1
    for e in world.events:
        inquiry = by_id[e["inquiry_id"]]
        if e["kind"] not in ("created", "taken", "closed") or not START <= e["at"] < END \
                or not matches(world, inquiry, filters):
            continue
        row = rows[e["actor"]]
        row[e["kind"]].add(inquiry["id"])
        if e["kind"] == "closed":
            takes = [t["at"] for t in world.events if t["inquiry_id"] == inquiry["id"] and t["kind"] == "taken"
                     and t["at"] <= e["at"]]
            if takes:
                row["handling"].append(hours(max(takes), e["at"]))
            if inquiry["due_at"] != NO_DEADLINE and e["at"] > inquiry["due_at"]:
                row["late"].add(inquiry["id"])
    for i in world.inquiries:
        if i["state"] in OPEN and i["assignee_id"] and START <= i["due_at"] < min(NOW, END) \
                and matches(world, i, filters):
            rows[world.users[i["assignee_id"]]]["overdue"] += 1
    return dict(rows)


def repeats(world: World, filters: dict, days: int) -> dict[tuple[int, int], dict]:
    pairs: dict[tuple, list] = defaultdict(list)
    for i in in_period(world, filters, START - timedelta(days=days), END):
        if i["party_id"] is not None:
            pairs[(i["party_id"], i["topic_id"])].append(i)
    found = {}
    for pair, items in pairs.items():
        items.sort(key=lambda i: (i["created_at"], i["id"]))
        inside = [i for i in items if i["created_at"] >= START]
        window = timedelta(days=days)
        came_back = sum(1 for before, after in zip(items, items[1:], strict=False)
                        if after["created_at"] >= START and after["created_at"] - before["created_at"] < window)
        if came_back:
            found[pair] = {"inquiries": len(inside), "repeats": came_back, "first": inside[0]["created_at"],
                           "last": inside[-1]["created_at"], "ids": {i["id"] for i in items}}
    return found


def sla(world: World, filters: dict) -> dict[tuple, dict]:
    rows: dict[tuple, dict] = defaultdict(lambda: {"total": 0, "on_time": 0, "closed_late": 0, "overdue": 0,
                                                   "in_time": 0, "reaction": [], "ids": set()})
    for i in in_period(world, filters):
        if i["due_at"] == NO_DEADLINE or i["state"] == "cancelled":
            continue
        row = rows[(i["queue_id"], i["step"], i["priority_id"])]
        row["total"] += 1
        row["ids"].add(i["id"])
        if i["state"] == "closed":
            row["on_time" if i["closed_at"] <= i["due_at"] else "closed_late"] += 1
        elif i["state"] in OPEN:
            row["overdue" if i["due_at"] < NOW else "in_time"] += 1
        takes = [e["at"] for e in world.events if e["inquiry_id"] == i["id"] and e["kind"] == "taken"]
        if takes:
            row["reaction"].append(hours(i["created_at"], min(takes)))
    return dict(rows)
