"""Take-next's one-statement path on PostgreSQL (services/routing/take_pg) against the general path on SQLite:
the same permission checks (membership by login, by group, as of the current rows), the same events in the
same order (the 'taken' event, then what automation rules on 'taken' do), the live note only when something
was taken, and — with 16 processes, as 16 agents each running crmterm — every inquiry taken exactly once."""

from __future__ import annotations

import multiprocessing

import pytest
from sqlalchemy import event
from sqlmodel import select
from test_automation import rule
from test_external_events import new_inquiry
from test_take_next import check_each_taken_once, check_work_order, fill_queue
from test_workflow import act, people

from crmterm.errors import NotFound, PermissionDenied
from crmterm.services.inquiries import inquiries
from crmterm.services.routing import live, queues
from crmterm.store import User
from crmterm.store.db import engine_for, in_transaction, unit_of_work


@pytest.fixture
def team(demo_url):
    return demo_url, people(demo_url)


def test_a_rule_on_taken_runs_after_take_next_logs_its_event(team):
    url, who = team
    rule(url, "urgent_on_take", "taken", [{"priority": "critical"}])
    inquiry = new_inquiry(url, who["agent"])
    assert act(url, queues.take_next, who["agent"], queue="first_line") == inquiry
    shown = act(url, inquiries.get_inquiry, who["agent"], inquiry_id=inquiry)
    assert (shown.state, shown.assignee, shown.priority) == ("taken", "agent", "critical")
    assert [(e.kind, e.actor) for e in shown.events][-2:] == [("taken", "agent"), ("automation", "agent")]
    taken = next(e for e in shown.events if e.kind == "taken")
    assert (taken.data, taken.text) == ({"next": True}, "")


def test_take_next_reads_the_queue_and_the_users_groups_as_they_are_now(team):
    url, who = team
    with pytest.raises(NotFound):
        act(url, queues.take_next, who["agent"], queue="no_such_queue")
    with pytest.raises(PermissionDenied, match="agent is not a member of queue 'finance_approval'"):
        act(url, queues.take_next, who["agent"], queue="finance_approval")
    assert act(url, queues.take_next, who["agent"], queue="first_line") is None  # a member through group l1
    with unit_of_work(url) as session:
        session.exec(select(User).where(User.login == "agent")).one().groups = []
    with pytest.raises(PermissionDenied, match="agent is not a member of queue 'first_line'"):
        act(url, queues.take_next, who["agent"], queue="first_line")
    assert act(url, queues.take_next, who["supervisor"], queue="finance_approval") is None  # supervises all


def test_take_next_wakes_watchers_only_when_it_takes(postgresql_demo_url):
    who = people(postgresql_demo_url)
    inquiry = new_inquiry(postgresql_demo_url, who["agent"])
    watcher = live.watcher(postgresql_demo_url)
    try:
        assert act(postgresql_demo_url, queues.take_next, who["agent"], queue="first_line") == inquiry
        assert any(watcher.changed() for _poll in range(40))
        assert act(postgresql_demo_url, queues.take_next, who["agent"], queue="first_line") is None
        assert not any(watcher.changed() for _poll in range(4))
    finally:
        watcher.close()


def test_take_next_is_one_statement_on_postgresql_for_members_by_group_by_login_and_supervisors(postgresql_demo_url):
    who = people(postgresql_demo_url)
    for login, queue in (("agent", "first_line"), ("agent", "billing_bo"), ("supervisor", "finance_approval")):
        with unit_of_work(postgresql_demo_url) as session:
            session.connection()  # the transaction's own opening statements are not take-next's
            statements: list[str] = []
            listen = event.listens_for(session.connection(), "before_cursor_execute")
            listen(lambda _c, _cursor, sql, *_rest: statements.append(sql))
            assert queues.take_next(session=session, actor=who[login], queue=queue) is None
        assert len(statements) == 1, (login, queue, statements)


def _agent(url: str, actor, start, results) -> None:
    """One agent process: its own connections, taking in its own units of work until the queue is empty."""
    engine_for(url).dispose(close=False)  # the parent's pooled connections stay the parent's
    taken, errors = [], []
    start.wait()
    while True:
        try:
            got = in_transaction(url, lambda s: queues.take_next(session=s, actor=actor, queue="first_line"))
        except Exception as error:  # noqa: BLE001 - any failure under contention is what we look for
            errors.append(repr(error)[:300])
            break
        if got is None:
            break
        taken.append(got)
    results.put((actor.login, taken, errors))


def test_sixteen_processes_take_every_inquiry_exactly_once_on_postgresql(postgresql_demo_url):
    ids, actors = fill_queue(postgresql_demo_url, 1_000, 16)
    engine_for(postgresql_demo_url).dispose()  # no connection may cross the fork
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(len(actors)), context.Queue()
    processes = [context.Process(target=_agent, args=(postgresql_demo_url, a, start, results)) for a in actors]
    for process in processes:
        process.start()
    reports = [results.get(timeout=300) for _p in processes]
    for process in processes:
        process.join(timeout=60)
    assert [p.exitcode for p in processes] == [0] * len(actors)
    assert [e for _login, _taken, errors in reports for e in errors] == []
    taken = {login: got for login, got, _errors in reports}
    check_each_taken_once(postgresql_demo_url, ids, actors, taken)  # one 'taken' event each, by its holder
    check_work_order(postgresql_demo_url, taken)
