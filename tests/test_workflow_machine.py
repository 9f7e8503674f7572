"""Random walks through the inquiry life-cycle (DESIGN.md §5) on both databases, by hypothesis stateful testing.

Agents, a supervisor and an auditor register inquiries and try every action on them — legal or not, with the
version they saw or a stale one, with bogus transitions, queues, logins and blank reasons; a second rule walks
inquiries forward along what their state allows, so walks get deep. Each action runs in its own unit of work.
An oracle written from the demo configuration (not from the services) says whether an action must succeed or
must fail, route guards included. A failure must be a CrmError and change nothing; a success changes only its
inquiry, by one version, with one event that explains the new state. After every step the life-cycle
invariants hold over all inquiries. Every example runs on its own copy of the seeded demo database, so a
failing example replays (and shrinks) on the same data.
"""

from __future__ import annotations

import itertools
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
import yaml
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle, RuleBasedStateMachine, initialize, invariant, multiple, rule, run_state_machine_as_test,
)
from sqlmodel import select

from crmterm.errors import CrmError
from crmterm.services.customers import customers
from crmterm.services.inquiries import inquiry_actions
from crmterm.services.routing import queues
from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.store import Inquiry, InquiryEvent, Priority, Queue, Route, RouteRevision, User, utcnow
from crmterm.store.db import backend, dispose_all, sqlite_path, unit_of_work
from crmterm.workflow.engine import ALLOWED, ASSIGNED, OPEN, Move, State
from helpers import AGENT

ROUTES = {r["code"]: r for r in yaml.safe_load(
    (Path(__file__).parent.parent / "data/seed/demo_routes.yaml").read_text())["routes"]}
NO_DATA = {"topic": "no_data", "values": {"problem_since": "2026-11-26 10:00", "device_restarted": True}}
DISPUTE = {"topic": "disputed_charge", "values": {"dispute_reason": "double_charge", "charge_date": "2026-11-01"}}
DRAFTS = {
    "dispute_small": {**DISPUTE, "values": {**DISPUTE["values"], "amount": "500"}},
    "dispute_large": {**DISPUTE, "values": {**DISPUTE["values"], "amount": "7000", "approval_reference": "A-1"}},
    "no_data": NO_DATA,
    "no_data_closed": {**NO_DATA, "close": True},  # closed at registration: no route, no queue
}
SERVICES = {
    Move.TAKE: inquiry_actions.take, Move.START: inquiry_actions.start, Move.MOVE: inquiry_actions.move,
    Move.RETURN: inquiry_actions.return_to_queue, Move.CLOSE: inquiry_actions.close,
    Move.ASSIGN: inquiry_actions.assign, Move.TRANSFER: inquiry_actions.transfer, Move.REOPEN: inquiry_actions.reopen,
    Move.CANCEL: inquiry_actions.cancel,
    "priority": inquiry_actions.set_priority, "deadline": inquiry_actions.set_deadline,
}
EVENTS = {  # the event each successful action logs (move: "moved", or "closed" into a final step)
    Move.TAKE: "taken", Move.START: "started", Move.RETURN: "returned", Move.CLOSE: "closed", Move.ASSIGN: "assigned",
    Move.TRANSFER: "transferred", Move.REOPEN: "reopened", Move.CANCEL: "cancelled",
    "priority": "priority_changed", "deadline": "deadline_changed",
}
EVENT_STATE = {  # the state each state-changing event leaves; None: waiting if it has a queue, else registered
    "created": "registered", "unrouted": "registered", "routed": "waiting", "taken": "taken", "assigned": "taken",
    "started": "in_progress", "moved": "waiting", "returned": None, "transferred": "waiting", "closed": "closed",
    "reopened": None, "cancelled": "cancelled",
}
# Which of the demo complaint route's guards pass, by the disputed amount (no compensation is ever asked for)
GUARDS = {("first_line", "resolve"): lambda amount: True, ("billing", "approve"): lambda amount: amount > 5000,
          ("billing", "resolve"): lambda amount: amount <= 5000}
NEXT = {"registered": [Move.TRANSFER, Move.ASSIGN], "waiting": [Move.TAKE], "taken": [Move.MOVE, Move.START],
        "in_progress": [Move.MOVE], "closed": [Move.REOPEN], "cancelled": []}
MUST, MUST_NOT = "must succeed", "must fail"
QUEUE_CODES = ["first_line", "vip_line", "billing_bo", "finance_approval", "field_service", "quality_check",
               "back_office"]

CLERKS = st.sampled_from(["agent", "agent2", "supervisor"])
# "holder": whoever holds the inquiry now, else the first of agent, agent2, supervisor who works its queue
WHO = st.sampled_from(["holder", "supervisor", "holder", "agent", "agent2", "auditor"])
VERSIONS = st.sampled_from([None, 0, None, 0, -1, 1])  # no check, the version seen, a stale one
# a number picks among the transitions out of the inquiry's step; a name may belong to another step or route
TRANSITIONS = st.one_of(st.integers(0, 2), st.sampled_from(
    sorted({t["code"] for r in ROUTES.values() for t in r["transitions"]}) + ["nope", ""]))


@dataclass(frozen=True)
class Row:
    state: str
    assignee: int | None
    queue: int | None
    step: str | None
    route: str | None
    version: int
    closed_at: datetime | None
    resolution: str
    priority_rank: int
    due_at: datetime
    updated_by: str | None


def snapshot(url: str) -> tuple[dict[int, Row], dict[int, tuple[str, ...]]]:
    """Every inquiry (with its route's code) and the kinds of its events in order."""
    with unit_of_work(url) as session:
        rows = session.exec(select(Inquiry, Route.code)
                            .outerjoin(RouteRevision, RouteRevision.id == Inquiry.route_revision_id)
                            .outerjoin(Route, Route.id == RouteRevision.route_id)).all()
        events: dict[int, tuple[str, ...]] = {}
        for inquiry_id, kind in session.exec(select(InquiryEvent.inquiry_id, InquiryEvent.kind)
                                             .order_by(InquiryEvent.id)):
            events[inquiry_id] = events.get(inquiry_id, ()) + (kind,)
    return {i.id: Row(i.state, i.assignee_id, i.queue_id, i.step, route, i.version, i.closed_at, i.resolution,
                      i.priority_rank, i.due_at, i.updated_by) for i, route in rows}, events


class Copies:
    """A fresh copy of the seeded source database per example (SQLite: backup API; PostgreSQL: template)."""

    def __init__(self, source: str, where: Path, vip: int, server: str | None = None) -> None:
        dispose_all()  # PostgreSQL copies only a template nobody is connected to
        self.source, self.where, self.vip, self.numbers = source, where, vip, itertools.count()
        self.server = server or source  # the copies are made as the server's admin (the app role may not)

    def _admin(self) -> psycopg.Connection:
        server = self.server.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)[0] + "/postgres"
        return psycopg.connect(server, autocommit=True)

    def fresh(self) -> str:
        number = next(self.numbers)
        if backend(self.source) == "sqlite":
            target = self.where / f"walk{number}.db"
            with sqlite3.connect(sqlite_path(self.source)) as source, sqlite3.connect(target) as copy:
                source.backup(copy)
            return f"sqlite:///{target}"
        template = self.source.rsplit("/", 1)[1]
        with self._admin() as conn:  # for a small database, copying files beats the WAL-logged default of 15+
            strategy = " STRATEGY FILE_COPY" if conn.info.server_version >= 150000 else ""
            conn.execute(f'CREATE DATABASE "{template}_w{number}" TEMPLATE "{template}"{strategy}')
        return f"{self.source}_w{number}"

    def drop(self, url: str) -> None:
        dispose_all()
        if backend(url) == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{sqlite_path(url)}{suffix}").unlink(missing_ok=True)
            return
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


class LifeCycle(RuleBasedStateMachine):
    copies: Copies  # set by the test
    inquiries = Bundle("inquiries")

    def __init__(self) -> None:
        super().__init__()
        self.url = self.copies.fresh()
        with unit_of_work(self.url) as session:
            users = session.exec(select(User)).all()
            self.people = {u.login: Actor(login=u.login, role=Role(u.role_code), id=u.id) for u in users}
            self.queue_ids = {q.code: q.id for q in session.exec(select(Queue))}
            self.members = {q.id: {u.login for u in users if u.login in q.members + q.admins or set(u.groups)
                                   & set(q.groups)} for q in session.exec(select(Queue))}
            self.ranks = dict(session.exec(select(Priority.code, Priority.rank)).all())
        self.rows, self.events = snapshot(self.url)
        self.versions: dict[int, int] = {}
        self.amounts: dict[int, int] = {}  # the disputed amount, for the route's guards

    def teardown(self) -> None:
        self.copies.drop(self.url)

    # --- the oracle: what the demo configuration says about an action ------------------------------------------
    def supervises(self, actor: Actor) -> bool:
        return actor.role in (Role.SUPERVISOR, Role.ADMIN)  # no agent administers a demo queue

    def works(self, actor: Actor, queue_id: int | None) -> bool:
        return self.supervises(actor) or (queue_id is not None and actor.login in self.members[queue_id])

    def outgoing(self, row: Row, code: str | None = None) -> list[dict]:
        transitions = ROUTES[row.route]["transitions"] if row.route else []
        return [t for t in transitions if t["from"] == row.step and code in (None, t["code"])]

    def step(self, route: str, code: str) -> dict:
        return next(s for s in ROUTES[route]["steps"] if s["code"] == code)

    def passes(self, inquiry_id: int, transition: dict) -> bool:
        guard = GUARDS.get((transition["from"], transition["code"]))
        return "guard" not in transition or guard(self.amounts[inquiry_id])

    def verdict(self, move: str, inquiry_id: int, row: Row, actor: Actor, version: int | None, p: dict) -> str:
        if actor.role is Role.AUDITOR or (version is not None and version != row.version):
            return MUST_NOT
        mine, boss = row.assignee == actor.id, self.supervises(actor)
        if move in ("priority", "deadline"):
            known = p["priority"] in self.ranks if move == "priority" else bool(p["reason"].strip())
            return MUST if known and boss and row.state in OPEN else MUST_NOT
        if move not in ALLOWED[State(row.state)]:
            return MUST_NOT
        if move == Move.MOVE:
            passes = [t for t in self.outgoing(row, p["transition"]) if self.passes(inquiry_id, t)]
            return MUST if (mine or boss) and passes else MUST_NOT
        if move == Move.CLOSE:
            return self.closes(inquiry_id, row, mine, boss, p["resolution"])
        fine = {Move.TAKE: self.works(actor, row.queue), Move.START: mine or boss, Move.RETURN: mine or boss,
                Move.ASSIGN: boss and p.get("login") in self.people, Move.REOPEN: boss,
                Move.TRANSFER: boss and p.get("queue") in self.queue_ids,
                Move.CANCEL: boss and bool(p.get("text", "").strip())}[move]
        return MUST if fine else MUST_NOT

    def closes(self, inquiry_id: int, row: Row, mine: bool, boss: bool, resolution: str) -> str:
        """Supervisors close any open inquiry; the holder by a transition into a final step, or without a route."""
        if not resolution.strip() or not (boss or (mine and row.state in ASSIGNED)):
            return MUST_NOT
        if boss or row.route is None:
            return MUST
        finals = [t for t in self.outgoing(row) if self.step(row.route, t["to"]).get("final")]
        return MUST if any(self.passes(inquiry_id, t) for t in finals) else MUST_NOT

    # --- running an action and checking what it did ----------------------------------------------------------
    def run(self, call) -> CrmError | None:
        """Any exception but a CrmError fails the test; a CrmError must leave every row and event as it was."""
        self.earlier, failed = (self.rows, self.events), None
        try:
            with unit_of_work(self.url) as session:
                self.result = call(session)
        except CrmError as error:
            failed = error
        self.rows, self.events = snapshot(self.url)
        rows, events = self.earlier
        self.changed = {i for i in self.rows if self.rows[i] != rows.get(i) or self.events[i] != events.get(i)}
        assert not failed or not self.changed, f"{failed!r}, yet #{self.changed} changed"
        return failed

    def attempt(self, move: str, inquiry_id: int, who: str, shift: int | None, **drawn) -> None:
        before = self.rows[inquiry_id]
        if who == "holder":
            who = next((a.login for a in self.people.values() if a.id == before.assignee), None) or next(
                login for login in ("agent", "agent2", "supervisor") if self.works(self.people[login], before.queue))
        actor, version, params = self.people[who], None if shift is None else before.version + shift, {}
        if move == Move.MOVE:
            out = [t["code"] for t in self.outgoing(before)] or ["nope"]
            params["transition"] = drawn["transition"] if isinstance(drawn["transition"], str) \
                else out[drawn["transition"] % len(out)]
        elif move in (Move.CLOSE, Move.CANCEL, "deadline"):
            params[{"close": "resolution", "cancel": "text", "deadline": "reason"}[move]] = drawn["text"]
        if move in (Move.ASSIGN, Move.TRANSFER, "priority"):
            params[{"assign": "login", "transfer": "queue", "priority": "priority"}[move]] = drawn[move]
        if move == "deadline":
            params["due_at"] = utcnow().replace(microsecond=0) + timedelta(hours=drawn["hours"])
        verdict = self.verdict(move, inquiry_id, before, actor, version, params)
        failed = self.run(lambda s: SERVICES[move](session=s, actor=actor, inquiry_id=inquiry_id,
                                                   expected_version=version, **params))
        where = f"{move} #{inquiry_id} by {who} {params} version={version} on {before}"
        assert (verdict == MUST) != bool(failed), f"{where} {verdict}, but: {failed or self.rows[inquiry_id]}"
        if not failed:
            self.check_effect(move, inquiry_id, actor, params)

    def check_effect(self, move: str, inquiry_id: int, actor: Actor, p: dict) -> None:
        before, after = self.earlier[0][inquiry_id], self.rows[inquiry_id]
        assert self.changed == {inquiry_id}, f"{move} changed {self.changed}"
        assert (after.version, after.updated_by) == (before.version + 1, actor.login)
        logged = [k for k in self.events[inquiry_id][len(self.earlier[1][inquiry_id]):] if k != "notified"]
        assert logged == [EVENTS[move]] if move in EVENTS else logged in (["moved"], ["closed"]), logged
        expected = dict(state=before.state, assignee=before.assignee, queue=before.queue, step=before.step)
        if move in (Move.TAKE, Move.ASSIGN):
            expected |= dict(state="taken", assignee=self.people[p["login"]].id if p else actor.id)
        elif move == Move.START:
            expected |= dict(state="in_progress")
        elif move in (Move.RETURN, Move.TRANSFER):
            queue = self.queue_ids[p["queue"]] if p else before.queue
            expected |= dict(state="waiting" if queue else "registered", assignee=None, queue=queue)
        elif move == Move.CANCEL:
            expected |= dict(state="cancelled", assignee=None)
        elif move == "priority":
            assert after.priority_rank == self.ranks[p["priority"]]
        elif move == "deadline":
            assert after.due_at == p["due_at"]
        else:
            expected = self.expected_move(move, before, after, p)
        assert {k: getattr(after, k) for k in expected} == expected, f"{move} left {after}, expected {expected}"

    def expected_move(self, move: str, before: Row, after: Row, p: dict) -> dict:
        if move == Move.REOPEN:  # into its step again (the first, if it was closed in a final step)
            assert after.closed_at is None and after.resolution == ""
            if before.route is None:
                return dict(state="waiting" if before.queue else "registered", queue=before.queue, assignee=None)
            final = self.step(before.route, before.step).get("final")
            return dict(state="waiting", assignee=None,
                        step=ROUTES[before.route]["steps"][0]["code"] if final else before.step)
        if move == Move.CLOSE:  # by the step's closing transition, or outright
            assert after.resolution == p["resolution"].strip()
            closing = {t["to"] for t in self.outgoing(before) if self.step(before.route, t["to"]).get("final")}
            assert after.step == before.step or after.step in closing, f"closed into step {after.step}"
            return dict(state="closed", assignee=None, queue=before.queue)
        (chosen,) = self.outgoing(before, p["transition"])
        target = self.step(before.route, chosen["to"])
        for action in chosen.get("actions", []):
            assert "priority" not in action or after.priority_rank == self.ranks[action["priority"]]
        if target.get("final"):
            return dict(state="closed", assignee=None, step=target["code"])
        choices = [target["queue"]] if "queue" in target else [c["queue"] for c in target["queues"]]
        assert after.queue in {self.queue_ids[c] for c in choices}
        return dict(state="waiting", assignee=None, step=target["code"])

    # --- rules ------------------------------------------------------------------------------------------------
    def register(self, who: str, draft: str, vip: bool) -> int:
        document = {"customer": self.copies.vip if vip else None, "inquiries": [DRAFTS[draft]]}
        assert self.run(lambda s: register(session=s, actor=self.people[who],
                                           draft=ContactDraft.model_validate(document))) is None
        (inquiry_id,) = self.result.inquiry_ids
        self.amounts[inquiry_id] = int(DRAFTS[draft]["values"].get("amount", 0))
        row, events = self.rows[inquiry_id], self.events[inquiry_id]
        if draft == "no_data_closed":
            assert (row.state, row.queue, row.route, events) == ("closed", None, None, ("created", "closed"))
        else:
            queue = self.queue_ids["vip_line" if vip else "first_line"]
            assert (row.state, row.queue, row.step, row.assignee, events) == (
                "waiting", queue, "first_line", None, ("created", "routed"))
        return inquiry_id

    @initialize(target=inquiries, who=CLERKS, vip=st.booleans(),
                drafts=st.lists(st.sampled_from(sorted(DRAFTS)), min_size=1, max_size=3))
    def first_inquiries(self, who, drafts, vip):
        return multiple(*(self.register(who, draft, vip) for draft in drafts))

    @rule(target=inquiries, who=CLERKS, draft=st.sampled_from(sorted(DRAFTS)), vip=st.booleans())
    def another_inquiry(self, who, draft, vip):
        return self.register(who, draft, vip)

    @rule(inquiry=inquiries, move=st.sampled_from(sorted(SERVICES)), who=WHO, shift=VERSIONS,
          transition=TRANSITIONS, text=st.sampled_from(["done", "  "]), hours=st.integers(1, 72),
          assign=st.sampled_from(["agent", "agent2", "supervisor", "ghost"]),
          transfer=st.sampled_from(QUEUE_CODES + ["nowhere"]),
          priority=st.sampled_from(["critical", "high", "normal", "low", "urgent"]))
    def anything(self, inquiry, move, who, shift, **drawn):
        """Any action by anyone: most of them illegal."""
        self.attempt(move, inquiry, who, shift, **drawn)

    @rule(inquiry=inquiries, pick=st.integers(0, 6), shift=st.sampled_from([None, 0]))
    def forward(self, inquiry, pick, shift):
        """Mostly the next move of the life-cycle, else another the state allows (cancel only by `anything`);
        by the holder or, for supervisors' moves, the supervisor."""
        row = self.rows[inquiry]
        moves = NEXT[row.state] if pick < 4 else sorted(ALLOWED[State(row.state)] - {Move.ROUTE, Move.CANCEL})
        move = (moves or [Move.CANCEL])[pick % max(len(moves), 1)]
        boss = move in (Move.ASSIGN, Move.TRANSFER, Move.REOPEN, Move.CANCEL) or (
            move == Move.CLOSE and row.state not in ASSIGNED)
        self.attempt(move, inquiry, "supervisor" if boss else "holder", shift, transition=pick, text="done",
                     assign=["agent", "agent2", "supervisor"][pick % 3], transfer=QUEUE_CODES[pick])

    @rule(who=st.sampled_from(["agent", "agent2", "supervisor", "auditor"]),
          queue=st.sampled_from(QUEUE_CODES + ["nowhere"]))
    def take_next(self, who, queue):
        actor, queue_id = self.people[who], self.queue_ids.get(queue)
        allowed = actor.role is not Role.AUDITOR and queue_id is not None and self.works(actor, queue_id)
        failed = self.run(lambda s: queues.take_next(session=s, actor=actor, queue=queue))
        assert bool(failed) != allowed, f"take_next {queue} by {who}: {failed or 'succeeded'}"
        if not failed:  # the first in work order: priority, deadline, age
            waiting = sorted((r.priority_rank, r.due_at, i) for i, r in self.earlier[0].items()
                             if r.state == "waiting" and r.queue == queue_id)
            assert self.result == (waiting[0][2] if waiting else None), f"took {self.result} of {waiting}"
            if self.result is not None:
                self.check_effect(Move.TAKE, self.result, actor, {})

    # --- invariants -------------------------------------------------------------------------------------------
    @invariant()
    def life_cycle_holds(self):
        users = {a.id for a in self.people.values()}
        for inquiry_id, row in self.rows.items():
            where = f"#{inquiry_id} {row} after {self.events[inquiry_id]}"
            assert (row.assignee is not None) == (row.state in ASSIGNED) and row.assignee in users | {None}, where
            assert (row.closed_at is not None) == (row.state in ("closed", "cancelled")), where
            assert row.state != "waiting" or row.queue is not None, where
            assert row.state != "registered" or (row.queue, row.route) == (None, None), where
            last = [EVENT_STATE[k] for k in self.events[inquiry_id] if k in EVENT_STATE][-1]
            assert row.state == (last or ("waiting" if row.queue is not None else "registered")), where
            assert row.version >= self.versions.get(inquiry_id, 1), where
            self.versions[inquiry_id] = row.version


# The default suite walks 12 lives of up to 25 steps on each database (seconds, not half a minute);
# `pytest -m slow` walks 200 of 40 (the long search that found the bugs named below).
WALKS = [pytest.param(12, 25, id="suite"), pytest.param(200, 40, id="long", marks=pytest.mark.slow)]


@pytest.mark.parametrize(("walks", "steps"), WALKS)
def test_random_walks_keep_the_life_cycle(demo_url, tmp_path, request, walks, steps):
    with unit_of_work(demo_url) as session:
        vip = customers.create_party(session=session, actor=AGENT, values={
            "display_name": "Соколова Анна", "kind": "person", "category": "vip"}).id
    server = request.getfixturevalue("pg_server") if backend(demo_url) == "postgresql" else None
    machine = type("LifeCycleWalk", (LifeCycle,), {"copies": Copies(demo_url, tmp_path, vip, server)})
    run_state_machine_as_test(machine, settings=settings(
        max_examples=walks, stateful_step_count=steps, deadline=None, database=None, print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))


def test_returning_an_inquiry_that_has_no_queue_leaves_it_registered(demo_url):
    """Found by the walk: closed at registration (so never routed), reopened, assigned, given back — it used to
    be "waiting" in no queue, where no queue list and no take-next would ever find it."""
    with unit_of_work(demo_url) as session:
        who = {u.login: Actor(login=u.login, role=Role(u.role_code), id=u.id) for u in session.exec(select(User))}
        draft = ContactDraft.model_validate({"inquiries": [DRAFTS["no_data_closed"]]})
        (inquiry,) = register(session=session, actor=who["agent"], draft=draft).inquiry_ids
    for service, actor, params in [(inquiry_actions.reopen, "supervisor", {}),
                                   (inquiry_actions.assign, "supervisor", {"login": "agent"}),
                                   (inquiry_actions.return_to_queue, "agent", {})]:
        with unit_of_work(demo_url) as session:
            done = service(session=session, actor=who[actor], inquiry_id=inquiry, **params)
    assert (done.state, done.queue, done.assignee) == ("registered", None, None)
    with unit_of_work(demo_url) as session:  # from there a supervisor puts it into a queue
        done = inquiry_actions.transfer(session=session, actor=who["supervisor"], inquiry_id=inquiry,
                                        queue="first_line")
    assert (done.state, done.queue) == ("waiting", "first_line")
