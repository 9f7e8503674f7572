"""Routes and queue work on both databases: the demo complaint route end to end with its amount guard,
roles, version checks, route revisions, transition actions, reopen/cancel, group operations, paging."""

from __future__ import annotations

import pytest
from sqlmodel import select

from crmterm.errors import Conflict, CrmError, PermissionDenied, ValidationError
from crmterm.services.directory import directory
from crmterm.services.inquiries import inquiries, inquiry_actions, inquiry_moves
from crmterm.services.routing import queues, saved_filters
from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.routing.queues import InquiryFilter
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.store import User
from crmterm.store.db import unit_of_work
from crmterm.workflow.engine import IllegalMove
from helpers import ADMIN

DISPUTE = {"dispute_reason": "double_charge", "charge_date": "2026-11-20", "approval_reference": "A-1"}


def people(url: str) -> dict[str, Actor]:
    with unit_of_work(url) as session:
        return {u.login: Actor(login=u.login, role=Role(u.role_code), id=u.id)
                for u in session.exec(select(User)).all()}


def dispute(url: str, amount: str, actor: Actor, **contact) -> int:
    draft = ContactDraft.model_validate({"channel": "phone", "place": "cc_msk", **contact, "inquiries": [
        {"topic": "disputed_charge", "values": {"amount": amount, **DISPUTE}}]})
    with unit_of_work(url) as session:
        return register(session=session, actor=actor, draft=draft).inquiry_ids[0]


def act(url: str, action, actor: Actor, **kwargs):
    with unit_of_work(url) as session:
        return action(session=session, actor=actor, **kwargs)


def moves(url: str, actor: Actor, inquiry_id: int) -> set[str]:
    return {o.transition for o in act(url, inquiry_moves.available, actor, inquiry_id=inquiry_id) if o.transition}


@pytest.fixture
def team(demo_url):
    return demo_url, people(demo_url)


def _to_billing(url: str, who: dict, amount: str) -> int:
    inquiry = dispute(url, amount, who["agent"])
    act(url, inquiry_actions.take, who["agent"], inquiry_id=inquiry)
    act(url, inquiry_actions.move, who["agent"], inquiry_id=inquiry, transition="to_billing")
    taken = act(url, queues.take_next, who["agent"], queue="billing_bo")
    assert taken == inquiry
    return inquiry


def test_complaint_route_takes_the_finance_step_only_for_large_amounts(team):
    url, who = team
    large, small = _to_billing(url, who, "7000"), _to_billing(url, who, "100")
    assert moves(url, who["agent"], large) == {"approve", "back"}
    assert moves(url, who["agent"], small) == {"resolve", "back"}
    with pytest.raises(ValidationError, match="condition does not hold"):
        act(url, inquiry_actions.move, who["agent"], inquiry_id=large, transition="resolve")
    act(url, inquiry_actions.move, who["agent"], inquiry_id=large, transition="approve")
    done = act(url, inquiry_actions.close, who["agent"], inquiry_id=small, resolution="refunded 100")
    assert (done.state, done.step, done.assignee) == ("closed", "done", None)
    shown = act(url, inquiries.get_inquiry, who["agent"], inquiry_id=large)
    assert (shown.state, shown.step, shown.queue, shown.priority) == ("waiting", "finance", "finance_approval", "high")
    assert [e.kind for e in shown.events][-2:] == ["notified", "moved"]  # the approve transition's actions
    with pytest.raises(PermissionDenied):  # agent is not a member of finance_approval
        act(url, queues.take_next, who["agent"], queue="finance_approval")
    act(url, queues.take_next, who["supervisor"], queue="finance_approval")
    closed = act(url, inquiry_actions.move, who["supervisor"], inquiry_id=large, transition="approved", text="ok")
    assert closed.state == "closed"


def test_illegal_moves_name_the_state_and_what_is_allowed(team):
    url, who = team
    inquiry = dispute(url, "100", who["agent"])
    with pytest.raises(IllegalMove, match=r"is waiting: cannot start; allowed: .*take"):
        act(url, inquiry_actions.start, who["agent"], inquiry_id=inquiry)
    act(url, inquiry_actions.take, who["agent"], inquiry_id=inquiry)
    with pytest.raises(IllegalMove, match="is taken: cannot take"):
        act(url, inquiry_actions.take, who["agent2"], inquiry_id=inquiry)
    with pytest.raises(PermissionDenied):
        act(url, inquiry_actions.return_to_queue, who["agent2"], inquiry_id=inquiry)  # someone else's
    with pytest.raises(PermissionDenied):
        act(url, inquiry_actions.transfer, who["agent"], inquiry_id=inquiry, queue="back_office")


def test_a_stale_version_is_refused_with_who_changed_it(team):
    url, who = team
    inquiry = dispute(url, "100", who["agent"])
    seen = act(url, inquiries.get_inquiry, who["agent"], inquiry_id=inquiry).version
    act(url, inquiry_actions.take, who["agent2"], inquiry_id=inquiry, expected_version=seen)
    with pytest.raises(Conflict, match="changed by agent2 at"):
        act(url, inquiry_actions.take, who["agent"], inquiry_id=inquiry, expected_version=seen)


def test_editing_a_route_in_use_makes_a_revision_and_inquiries_in_flight_keep_theirs(team):
    url, who = team
    first = dispute(url, "100", who["agent"])
    with unit_of_work(url) as session:
        route = directory.get_entry(session=session, actor=ADMIN, kind="routes", key="complaint").values
        steps = route["steps"]
        steps[0] = {**steps[0], "queues": [], "queue": "back_office"}
        directory.update_entry(session=session, actor=ADMIN, kind="routes", key="complaint",
                               values={"steps": steps}, expected_version=None)
    second = dispute(url, "100", who["agent"])
    old, new = (act(url, inquiries.get_inquiry, who["agent"], inquiry_id=i) for i in (first, second))
    assert (old.revision, old.queue) == (1, "first_line") and (new.revision, new.queue) == (2, "back_office")
    act(url, inquiry_actions.take, who["agent"], inquiry_id=first)
    assert act(url, inquiry_actions.move, who["agent"], inquiry_id=first, transition="to_billing").queue == "billing_bo"


def test_route_validation_reports_positions(team):
    url, _who = team
    steps = [{"code": "a", "queue": "first_line"}, {"code": "b", "queue": "first_line"},
             {"code": "island", "queue": "first_line"}, {"code": "end", "final": True}]
    transitions = [{"code": "go", "from": "a", "to": "end", "guard": "inquiry.attrs.no_such > 1"},
                   {"code": "on", "from": "a", "to": "b"}]
    with unit_of_work(url) as session, pytest.raises(ValidationError) as error:
        directory.create_entry(session=session, actor=ADMIN, kind="routes", values={
            "code": "bad", "labels": {"en": "Bad"}, "steps": steps, "transitions": transitions})
    assert "steps[2] b: no way out and not final" in str(error.value)
    assert "(and 2 more)" in str(error.value)  # the unreachable island, the unknown attribute
    transitions.append({"code": "back", "from": "b", "to": "a"})
    steps.pop(2)
    with unit_of_work(url) as session, pytest.raises(ValidationError, match=r"transitions\[1\] go: guard: "
                                                                            r"column 15: unknown attribute 'no_such'"):
        directory.create_entry(session=session, actor=ADMIN, kind="routes", values={
            "code": "bad", "labels": {"en": "Bad"}, "steps": steps, "transitions": transitions})


def test_supervisor_reopens_cancels_and_changes_deadline(team):
    url, who = team
    inquiry = dispute(url, "100", who["agent"])
    act(url, inquiry_actions.take, who["agent"], inquiry_id=inquiry)
    act(url, inquiry_actions.close, who["agent"], inquiry_id=inquiry, resolution="explained")
    reopened = act(url, inquiry_actions.reopen, who["supervisor"], inquiry_id=inquiry, text="customer called again")
    assert (reopened.state, reopened.step, reopened.queue) == ("waiting", "first_line", "first_line")
    from datetime import UTC, datetime
    due = datetime(2030, 1, 1, 12, tzinfo=UTC)
    act(url, inquiry_actions.set_deadline, who["supervisor"], inquiry_id=inquiry, due_at=due, reason="agreed")
    assert act(url, inquiries.get_inquiry, who["agent"], inquiry_id=inquiry).due_at == due
    with pytest.raises(ValidationError):
        act(url, inquiry_actions.cancel, who["supervisor"], inquiry_id=inquiry, text=" ")
    assert act(url, inquiry_actions.cancel, who["supervisor"], inquiry_id=inquiry, text="duplicate").state == "cancelled"
    kinds = [e.kind for e in act(url, inquiries.get_inquiry, who["agent"], inquiry_id=inquiry).events]
    assert kinds[-4:] == ["closed", "reopened", "deadline_changed", "cancelled"]


def test_group_operations_are_all_or_nothing_with_a_result_per_row(team):
    url, who = team
    ids = [dispute(url, "100", who["agent"]) for _ in range(3)]
    act(url, inquiry_actions.cancel, who["supervisor"], inquiry_id=ids[1], text="duplicate")
    with pytest.raises(inquiry_moves.BulkFailed) as failed:
        act(url, inquiry_moves.bulk, who["supervisor"], operation="transfer", ids=ids, queue="back_office")
    assert [r.ok for r in failed.value.results] == [True, False, True]
    assert {act(url, inquiries.get_inquiry, who["agent"], inquiry_id=i).queue for i in (ids[0], ids[2])} == {"first_line"}
    results = act(url, inquiry_moves.bulk, who["supervisor"], operation="priority", ids=[ids[0], ids[2]],
                  priority="critical")
    assert all(r.ok for r in results)
    first = act(url, queues.page, who["agent"], where=InquiryFilter(queue="first_line", state="waiting")).rows[0]
    assert (first.id, first.priority, first.step_label) == (ids[0], "critical", "First line")


def test_keyset_pages_walk_the_queue_in_work_order_without_gaps(team):
    url, who = team
    ids = [dispute(url, str(10 * n), who["agent"]) for n in range(7)]
    act(url, inquiry_moves.bulk, who["supervisor"], operation="priority", ids=ids[4:6], priority="critical")
    act(url, inquiry_actions.take, who["agent"], inquiry_id=ids[2])
    seen, cursor = [], None
    for _page in range(10):
        found = act(url, queues.page, who["agent"], where=InquiryFilter(queue="first_line"), after=cursor, limit=2)
        seen += [r.id for r in found.rows]
        cursor = found.cursor
        if cursor is None:
            break
    assert sorted(seen) == sorted(ids) and seen[:2] == ids[4:6]  # open = waiting and taken, most urgent first
    mine = act(url, queues.page, who["agent"], where=InquiryFilter(assignee="me", state="assigned")).rows
    assert [r.id for r in mine] == [ids[2]]
    counts = {q.code: q for q in act(url, queues.my_queues, who["agent"])}
    assert (counts["first_line"].waiting, counts["first_line"].taken) == (6, 1)
    assert "finance_approval" not in counts  # agents see only their queues


def test_saved_filters_belong_to_their_user(team):
    url, who = team
    act(url, saved_filters.save_filter, who["agent"], name="Overdue", where=InquiryFilter(queue="first_line",
                                                                                          overdue=True))
    assert [f.name for f in act(url, saved_filters.list_filters, who["agent"])] == ["Overdue"]
    assert [f.name for f in act(url, saved_filters.list_filters, who["agent2"])] == ["Large disputes"]  # demo's
    act(url, saved_filters.delete_filter, who["agent"], name="Overdue")
    with pytest.raises(CrmError):
        act(url, saved_filters.delete_filter, who["agent"], name="Overdue")


def test_a_change_by_another_connection_reaches_the_watcher(team):
    from crmterm.services.routing import live

    url, who = team
    watcher = live.watcher(url)
    try:
        assert not watcher.changed()
        dispute(url, "100", who["agent"])
        assert any(watcher.changed() for _poll in range(40))  # polled, as screens do, until the note arrives
        assert not watcher.changed()
    finally:
        watcher.close()


def test_transition_actions_set_values_raise_priority_open_a_child_and_call_a_function(team, monkeypatch):
    from crmterm.services.inquiries import functions

    url, who = team
    called = []

    class Plugin:  # what an installed entry point of group crmterm.functions gives
        @staticmethod
        def load():
            def send_sms(*, session, actor, inquiry_id, params):
                called.append((inquiry_id, params["text"]))
                return "queued"
            return send_sms

    monkeypatch.setattr(functions, "registered", lambda: {"send_sms": Plugin})
    with unit_of_work(url) as session:
        directory.create_entry(session=session, actor=ADMIN, kind="routes", values={
            "code": "sms", "labels": {"en": "SMS"}, "topics": ["sms_problem"],
            "steps": [{"code": "check", "queue": "first_line"}, {"code": "end", "final": True}],
            "transitions": [{"code": "visit", "from": "check", "to": "end", "actions": [
                {"set": {"device_restarted": True}}, {"priority": "critical"}, {"child": "technician_visit"},
                {"function": "send_sms", "params": {"text": "a technician will call"}}]}]})
    draft = ContactDraft.model_validate({"channel": "phone", "place": "cc_msk", "inquiries": [
        {"topic": "sms_problem", "values": {"problem_since": "2026-11-26 10:00"}}]})
    with unit_of_work(url) as session:
        inquiry = register(session=session, actor=who["agent"], draft=draft).inquiry_ids[0]
    act(url, inquiry_actions.take, who["agent"], inquiry_id=inquiry)
    done = act(url, inquiry_actions.move, who["agent"], inquiry_id=inquiry, transition="visit")
    shown = act(url, inquiries.get_inquiry, who["agent"], inquiry_id=inquiry)
    assert done.state == "closed" and shown.priority == "critical" and called == [(inquiry, "a technician will call")]
    assert {v.code: v.value for v in shown.values}["device_restarted"] == "true"
    child = act(url, inquiries.get_inquiry, who["agent"], inquiry_id=shown.children[0].id)
    assert (child.topic, child.parent_id, child.route, child.state) == ("technician_visit", inquiry,
                                                                        "technical_fault", "waiting")
    assert shown.events[-1].data["actions"] == ["set device_restarted", "priority=critical", f"child #{child.id}",
                                                "send_sms: queued"]


def test_a_transition_that_sets_an_empty_value_clears_the_attribute(team):
    """An emptied value has no row (the column is NOT NULL): the move once failed on the database instead."""
    url, who = team
    with unit_of_work(url) as session:
        directory.create_entry(session=session, actor=ADMIN, kind="routes", values={
            "code": "sms", "labels": {"en": "SMS"}, "topics": ["sms_problem"],
            "steps": [{"code": "check", "queue": "first_line"}, {"code": "end", "final": True}],
            "transitions": [{"code": "visit", "from": "check", "to": "end", "actions": [
                {"set": {"problem_since": ""}}]}]})
    draft = ContactDraft.model_validate({"channel": "phone", "place": "cc_msk", "inquiries": [
        {"topic": "sms_problem", "values": {"problem_since": "2026-11-26 10:00"}}]})
    with unit_of_work(url) as session:
        inquiry = register(session=session, actor=who["agent"], draft=draft).inquiry_ids[0]
    act(url, inquiry_actions.take, who["agent"], inquiry_id=inquiry)
    done = act(url, inquiry_actions.move, who["agent"], inquiry_id=inquiry, transition="visit")
    shown = act(url, inquiries.get_inquiry, who["agent"], inquiry_id=inquiry)
    assert done.state == "closed" and "problem_since" not in {v.code for v in shown.values}
    assert shown.events[-1].data["actions"] == ["set problem_since"]
