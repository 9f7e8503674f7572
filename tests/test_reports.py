"""Reports on both databases against the same figures computed by brute force in Python (report_world),
drill-downs, permissions and bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from crmterm.errors import NotFound, PermissionDenied, ValidationError
from crmterm.services.reports import reports
from crmterm.services.routing import saved_filters
from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.routing.queues import InquiryFilter
from crmterm.store import User
from crmterm.store.db import unit_of_work
from helpers import ADMIN, AGENT, AUDITOR
import report_world as bf
from report_world import world  # noqa: F401 - the shared module-scoped fixture
from report_world import END, NOW, START

approx = pytest.approx


def run(world: bf.World, name: str, actor=ADMIN, filters: dict | None = None, start=START, end=END, **options):
    params = reports.ReportParams(start=start, end=end, filters=reports.ReportFilters(**(filters or {})))
    with unit_of_work(world.url) as session:
        return reports.run(session=session, actor=actor, name=name, params=params, **options)


def drilled(world: bf.World, key: dict, actor=ADMIN, limit: int = 7) -> list[int]:
    """Every inquiry id behind a row, a small page at a time (checks the keyset paging too)."""
    ids, after = [], None
    with unit_of_work(world.url) as session:
        while True:
            page = reports.drill_down(session=session, actor=actor, report_row_key=key, after=after, limit=limit)
            ids += [row.id for row in page.rows]
            if page.cursor is None:
                return ids
            after = page.cursor


def group_of(world: bf.World) -> str:
    """A topic group with inquiries below it (the topic filter takes the whole subtree)."""
    parent = world.topics[world.inquiries[0]["topic_id"]][0]
    return world.topics[parent][1]


@pytest.mark.parametrize("filters", [{}, "group+channel"])
def test_topics_report_matches_brute_force(world, filters):
    filters = {"topic": group_of(world), "channel": "phone"} if filters else {}
    table = run(world, "topics", filters=filters)
    expected = bf.topics(world, filters)
    ids = {code: topic_id for topic_id, (_parent, code) in world.topics.items()}
    got = {r["code"]: r for r in table.as_records()}
    assert set(got) == {world.topics[t][1] for t in expected}
    for code, row in got.items():
        want = expected[ids[code]]
        assert (row["registered"], row["closed"], row["open"], row["cancelled"]) == (
            want["registered"], want["closed"], want["open"], want["cancelled"])
        assert row["first_contact_share"] == approx(want["first"] / want["registered"])
        assert row["median_hours"] == approx(bf.percentile(want["hours"], 0.5), abs=1e-6)
        assert row["p90_hours"] == approx(bf.percentile(want["hours"], 0.9), abs=1e-6)
    every = [h for want in expected.values() for h in want["hours"]]
    assert table.totals[2] == sum(w["registered"] for w in expected.values())
    assert table.totals[7:] == [approx(bf.percentile(every, q), abs=1e-6) for q in (0.5, 0.9)]
    first = table.drill[0]
    assert sorted(drilled(world, first)) == sorted(
        i["id"] for i in bf.in_period(world, filters) if i["topic_id"] == first["where"]["topic_id"])


@pytest.mark.parametrize("filters", [{}, {"category": "vip"}])
def test_operators_report_matches_brute_force(world, filters):
    table = run(world, "operators", filters=filters, now=NOW)
    expected = bf.operators(world, filters)
    got = {r["login"]: r for r in table.as_records()}
    assert set(got) == set(expected)
    for login, row in got.items():
        want = expected[login]
        assert (row["contacts"], row["registered"], row["taken"], row["closed"], row["closed_late"], row["overdue"]) \
            == (want["contacts"], len(want["created"]), len(want["taken"]), len(want["closed"]), len(want["late"]),
                want["overdue"]), login
        handling = sum(want["handling"]) / len(want["handling"]) if want["handling"] else None
        assert row["handling_hours"] == approx(handling, abs=1e-6)
    agent = table.drill[[r[1] for r in table.rows].index("agent")]
    want = expected["agent"]
    assert set(drilled(world, agent)) == want["created"] | want["taken"] | want["closed"] | {
        i["id"] for i in world.inquiries if i["assignee_id"] and world.users[i["assignee_id"]] == "agent"
        and i["state"] in bf.OPEN and START <= i["due_at"] < min(NOW, END) and bf.matches(world, i, filters)}


def test_operator_filter_picks_one_row_without_narrowing_it(world):
    whole = {r["login"]: r for r in run(world, "operators", now=NOW).as_records()}
    only = run(world, "operators", filters={"operator": "agent2"}, now=NOW).as_records()
    assert only == [whole["agent2"]]


@pytest.mark.parametrize("days", [30, 9])
def test_repeats_report_matches_brute_force(world, days):
    table = run(world, "repeats", days=days)
    expected = bf.repeats(world, {}, days)
    got = {(r["customer_id"], world.codes["leaf"][r["code"]]): r for r in table.as_records()}
    assert set(got) == set(expected) and expected
    for pair, row in got.items():
        want = expected[pair]
        assert (row["inquiries"], row["repeats"], row["first"], row["last"]) == (
            want["inquiries"], want["repeats"], want["first"], want["last"])
    counts = [r[5] for r in table.rows]
    assert counts == sorted(counts, reverse=True)
    key = table.drill[0]
    pair = (key["where"]["party_id"], key["where"]["topic_id"])
    assert set(drilled(world, key)) >= expected[pair]["ids"]


@pytest.mark.parametrize("filters", [{}, {"place": "cc_msk"}])
def test_sla_report_matches_brute_force(world, filters):
    table = run(world, "sla", filters=filters, now=NOW)
    expected = bf.sla(world, filters)
    got = {(d["where"]["queue_id"], d["where"]["step"], d["where"]["priority_id"]): r
           for d, r in zip(table.drill, table.as_records(), strict=True)}
    assert set(got) == set(expected)
    for key, row in got.items():
        want = expected[key]
        assert [row[k] for k in ("total", "on_time", "closed_late", "overdue", "in_time")] == [
            want[k] for k in ("total", "on_time", "closed_late", "overdue", "in_time")]
        decided = want["on_time"] + want["closed_late"] + want["overdue"]
        assert row["on_time_share"] == (approx(want["on_time"] / decided) if decided else None)
        assert row["reaction_median_hours"] == approx(bf.percentile(want["reaction"], 0.5), abs=1e-6)
        assert row["reaction_p90_hours"] == approx(bf.percentile(want["reaction"], 0.9), abs=1e-6)
    biggest = max(range(len(table.rows)), key=lambda i: table.rows[i][3])
    assert set(drilled(world, table.drill[biggest])) == expected[list(got)[biggest]]["ids"]


def _person(world: bf.World, login: str) -> Actor:
    with unit_of_work(world.url) as session:
        user = session.exec(select(User).where(User.login == login)).one()
        return Actor(login=user.login, role=Role(user.role_code), id=user.id)


def test_custom_report_groups_a_saved_filter(world):
    supervisor = _person(world, "supervisor")
    with unit_of_work(world.url) as session:
        saved_filters.save_filter(session=session, actor=supervisor, name="closed", where=InquiryFilter(state="closed"))
    closed = [i for i in bf.in_period(world, {}) if i["state"] == "closed"]
    by_topic = run(world, "custom", actor=supervisor, saved_filter="closed", group_by="topic",
                   columns=["closed_late", "avg_hours_to_close", "median_hours_to_close", "first"], now=NOW)
    assert sum(r[1] for r in by_topic.rows) == by_topic.totals[1] == len(closed)
    assert by_topic.totals[5] == min(i["created_at"] for i in closed)  # the first of all groups' firsts
    row = by_topic.as_records()[0]
    topic_id = by_topic.drill[0]["where"]["topic_id"]
    mine = [i for i in closed if i["topic_id"] == topic_id]
    times = [bf.hours(i["created_at"], i["closed_at"]) for i in mine]
    assert row["inquiries"] == len(mine) and row["first"] == min(i["created_at"] for i in mine)
    assert row["closed_late"] == sum(1 for i in mine if i["due_at"] != bf.NO_DEADLINE and i["closed_at"] > i["due_at"])
    assert row["avg_hours_to_close"] == approx(sum(times) / len(times))
    assert row["median_hours_to_close"] == approx(bf.percentile(times, 0.5), abs=1e-6)
    assert sorted(drilled(world, by_topic.drill[0], actor=supervisor)) == sorted(i["id"] for i in mine)
    by_day = run(world, "custom", actor=supervisor, saved_filter="closed", group_by="day")
    days = {}
    for i in closed:
        days[i["created_at"].date()] = days.get(i["created_at"].date(), 0) + 1
    assert {r[0]: r[1] for r in by_day.rows} == days
    assert len(drilled(world, by_day.drill[0], actor=supervisor)) == by_day.rows[0][1]
    # grouped by the registering operator (a join to contacts), also beside a contact filter (an EXISTS on
    # contacts); contacts without an operator make a group of their own
    for filters in ({}, {"place": "cc_msk"}):
        by_operator = run(world, "custom", actor=supervisor, saved_filter="closed", group_by="operator",
                          filters=filters)
        got = {d["where"]["operator_id"]: r[1] for d, r in zip(by_operator.drill, by_operator.rows, strict=True)}
        want: dict = {}
        for i in bf.in_period(world, filters):
            if i["state"] == "closed":
                operator = world.contacts[i["contact_id"]]["operator_id"]
                want[operator] = want.get(operator, 0) + 1
        assert got == want
    nobody = run(world, "custom", actor=supervisor, saved_filter="closed", group_by="operator").drill[-1]
    assert len(drilled(world, nobody, actor=supervisor)) == sum(
        1 for i in closed if world.contacts[i["contact_id"]]["operator_id"] is None) > 0


def test_reports_need_the_reports_permission(world):
    with pytest.raises(PermissionDenied):
        run(world, "topics", actor=AGENT)
    assert run(world, "sla", actor=AUDITOR).rows
    with pytest.raises(PermissionDenied), unit_of_work(world.url) as session:
        reports.drill_down(session=session, actor=AGENT, report_row_key={"report": "topics", "start": START.isoformat(),
                                                                       "end": END.isoformat()})


@pytest.mark.parametrize("call, error", [
    (lambda w: run(w, "topics", filters={"topic": "no_such_topic"}), NotFound),
    (lambda w: run(w, "topics", filters={"queue": "nowhere"}), NotFound),
    (lambda w: run(w, "topics", start=END, end=START), ValidationError),
    (lambda w: run(w, "repeats", days=0), ValidationError),
    (lambda w: run(w, "custom", saved_filter="never saved"), NotFound),
    (lambda w: run(w, "custom", saved_filter="x", group_by="colour"), ValidationError),
])
def test_bad_input_is_a_domain_error(world, call, error):
    with pytest.raises(error):
        call(world)


def test_unknown_filter_key_names_the_known_ones():
    with pytest.raises(ValidationError, match="unknown filter 'colour'; known: place, channel, topic"):
        reports.filters_from_pairs(["topic=billing", "colour=red"])
    assert reports.filters_from_pairs(["client-category=vip"]).category == "vip"


def test_a_consultation_answered_in_the_call_counts_as_closed_at_first_contact(demo_url):
    from crmterm.services.inquiries.registration import ContactDraft, register
    from crmterm.store import utcnow

    draft = ContactDraft.model_validate({"template": "cc_inbound", "inquiries": [{"topic": "1.1"}]})
    with unit_of_work(demo_url) as session:
        done = register(session=session, actor=_person(bf.World(demo_url), "agent"), draft=draft)
    assert done.closed == done.inquiry_ids
    now = utcnow()
    table = run(bf.World(demo_url), "topics", start=now - timedelta(hours=1), end=now + timedelta(hours=1))
    assert [(r["registered"], r["closed"], r["first_contact_share"]) for r in table.as_records()] == [(1, 1, 1.0)]
