"""The report builder on both databases: every grouping and measure against the figures counted again by
brute force in Python from the same rows (report_world), two groupings, saved definitions (own and shared),
the chart in the XLSX and HTML exports, roles and bad input."""

from __future__ import annotations

import json
import zipfile
from collections import defaultdict
from datetime import timedelta

import pytest
from sqlmodel import select

from crmterm.errors import NotFound, PermissionDenied, ValidationError
from crmterm.i18n import pick
from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.reports import report_definitions as definitions
from crmterm.services.reports.exports import write_report
from crmterm.services.reports.report_builder import ReportSpec, build_report, grouping_choices
from crmterm.services.reports.reports_scope import ReportFilters, ReportParams, topic_names
from crmterm.services.routing import saved_filters
from crmterm.services.routing.queues import InquiryFilter
from crmterm.store import AttributeDef, Channel, ClientCategory, InquiryValue, Place, Queue, User
from crmterm.store.db import unit_of_work
from helpers import ADMIN, AGENT
import report_world as bf
from report_world import world  # noqa: F401 - the shared module-scoped fixture
from report_world import END, NOW, START

approx = pytest.approx
ALL_MEASURES = ["count", "open", "closed", "overdue", "first_contact", "avg_take", "p50_take", "p90_take",
                "avg_close", "p50_close", "p90_close"]


def build(world: bf.World, groups: list[str], measures=("count",), actor=ADMIN, saved: str | None = None,
          filters: dict | None = None):
    params = ReportParams(start=START, end=END, filters=ReportFilters(**(filters or {})))
    with unit_of_work(world.url) as session:
        return build_report(session=session, actor=actor, params=params, now=NOW,
                            spec=ReportSpec(filter=saved, groups=groups, measures=list(measures)))


def _labels(world: bf.World) -> dict[str, dict]:
    """id -> label as the report shows it, per grouping (English, the tests' language)."""
    with unit_of_work(world.url) as session:
        shown = {kind: {r.id: pick(r.labels, r.code) for r in session.exec(select(model)).all()}
                 for kind, model in (("queue", Queue), ("place", Place), ("channel", Channel),
                                     ("category", ClientCategory))}
        people = {u.id: u.display_name or u.login for u in session.exec(select(User)).all()}
        topics = {topic_id: label for topic_id, (_code, label, _order) in topic_names(session).items()}
    return shown | {"assignee": people, "operator": people, "topic": topics, "topic:1": topics}


def _root(world: bf.World, topic_id: int) -> int:
    while world.topics[topic_id][0] is not None:
        topic_id = world.topics[topic_id][0]
    return topic_id


def _key(world: bf.World, key: str, inquiry: dict):
    contact = world.contacts[inquiry["contact_id"]]
    created = inquiry["created_at"]
    category = contact["category_id"] if contact["category_id"] is not None else \
        world.party_category.get(contact["party_id"])
    return {"queue": inquiry["queue_id"], "assignee": inquiry["assignee_id"], "operator": contact["operator_id"],
            "place": contact["place_id"], "channel": contact["channel_id"], "category": category,
            "topic": inquiry["topic_id"], "topic:1": _root(world, inquiry["topic_id"]),
            "day": created.date(), "week": created.date() - timedelta(days=created.weekday()),
            "month": created.strftime("%Y-%m")}[key]


def _shown(labels: dict, key: str, value):
    if value is None:
        return "—"
    return labels[key][value] if key in labels else value


def _first_taken(world: bf.World) -> dict[int, object]:
    taken: dict[int, object] = {}
    for event in world.events:
        if event["kind"] == "taken":
            taken[event["inquiry_id"]] = min(event["at"], taken.get(event["inquiry_id"], event["at"]))
    return taken


def _measured(world: bf.World, inquiries: list[dict]) -> dict:
    """Every measure over some inquiries, by its definition (builder_measures' docstring)."""
    closed = [i for i in inquiries if i["state"] == "closed"]
    close = [bf.hours(i["created_at"], i["closed_at"]) for i in closed]
    taken = _first_taken(world)
    take = [bf.hours(i["created_at"], taken[i["id"]]) for i in inquiries if i["id"] in taken]
    opened = [i for i in inquiries if i["state"] in bf.OPEN]
    return {"count": len(inquiries), "open": len(opened), "closed": len(closed),
            "overdue": sum(1 for i in opened if i["due_at"] < NOW),
            "first_contact": sum(1 for h in close if h <= 1 / 3600) / len(inquiries),
            "avg_take": sum(take) / len(take) if take else None, "p50_take": bf.percentile(take, 0.5),
            "p90_take": bf.percentile(take, 0.9), "avg_close": sum(close) / len(close) if close else None,
            "p50_close": bf.percentile(close, 0.5), "p90_close": bf.percentile(close, 0.9)}


def _same(got: list, want: dict, measures: list[str]) -> None:
    for key, value in zip(measures, got, strict=True):
        assert value == (approx(want[key], abs=1e-5) if want[key] is not None else None), key


def test_every_measure_by_queue_matches_brute_force(world):
    table = build(world, ["queue"], ALL_MEASURES)
    labels, groups = _labels(world), defaultdict(list)
    for inquiry in bf.in_period(world, {}):
        groups[_shown(labels, "queue", inquiry["queue_id"])].append(inquiry)
    assert [row[0] for row in table.rows][-1] == "—"  # "no queue" last
    assert {row[0] for row in table.rows} == set(groups)
    for row in table.rows:
        _same(row[1:], _measured(world, groups[row[0]]), ALL_MEASURES)
    _same(table.totals[1:], _measured(world, bf.in_period(world, {})), ALL_MEASURES)


@pytest.mark.parametrize("key", ["topic", "topic:1", "assignee", "operator", "place", "channel", "category", "day",
                                 "week", "month"])
def test_each_grouping_counts_like_brute_force(world, key):
    table = build(world, [key], ["count", "closed"], filters={"channel": "phone"})
    labels, want = _labels(world), defaultdict(lambda: [0, 0])
    for inquiry in bf.in_period(world, {"channel": "phone"}):
        counts = want[_shown(labels, key, _key(world, key, inquiry))]
        counts[0] += 1
        counts[1] += inquiry["state"] == "closed"
    assert {row[0]: row[1:] for row in table.rows} == dict(want)


def test_two_groupings_nest_the_second_inside_the_first(world):
    table = build(world, ["channel", "month"], ["count", "p50_close"])
    labels, want = _labels(world), defaultdict(list)
    for inquiry in bf.in_period(world, {}):
        channel = _shown(labels, "channel", _key(world, "channel", inquiry))
        want[(channel, _key(world, "month", inquiry))].append(inquiry)
    assert [c.key for c in table.columns] == ["g0", "g1", "count", "p50_close"]
    assert {(r[0], r[1]) for r in table.rows} == set(want)
    for row in table.rows:
        _same(row[2:], _measured(world, want[(row[0], row[1])]), ["count", "p50_close"])
    assert table.chart is not None and table.chart.categories == ("g0", "g1") and table.chart.value == "count"


def test_an_attribute_and_a_saved_filter(world):
    """Grouped by an attribute's value (no value: its own group), over the owner's saved filter."""
    supervisor = _person(world, "supervisor")
    closed = [i for i in bf.in_period(world, {}) if i["state"] == "closed"]
    with unit_of_work(world.url) as session:
        attribute = session.exec(select(AttributeDef).where(AttributeDef.dictionary_id.is_(None))).first()
        for number, inquiry in enumerate(closed[:12]):
            session.add(InquiryValue(inquiry_id=inquiry["id"], attribute_id=attribute.id, value=f"v{number % 3}"))
        saved_filters.save_filter(session=session, actor=supervisor, name="closed", where=InquiryFilter(state="closed"))
        code, label = attribute.code, pick(attribute.labels, attribute.code)
    table = build(world, [f"attr:{code}"], actor=supervisor, saved="closed")
    assert table.columns[0].label == label
    assert {r[0]: r[1] for r in table.rows} == {"v0": 4, "v1": 4, "v2": 4, "—": len(closed) - 12}


def _person(world: bf.World, login: str) -> Actor:
    with unit_of_work(world.url) as session:
        user = session.exec(select(User).where(User.login == login)).one()
        return Actor(login=user.login, role=Role(user.role_code), id=user.id)


def test_saved_definitions_are_own_or_shared_and_run_by_name(world, tmp_path):
    supervisor, admin = _person(world, "supervisor"), _person(world, "admin")
    spec = ReportSpec(groups=["queue", "week"], measures=["count", "p90_close"])
    with unit_of_work(world.url) as session:
        definitions.save_definition(session=session, actor=supervisor, name="Weekly", spec=spec, shared=True)
        definitions.save_definition(session=session, actor=supervisor, name="Mine", spec=spec)
    with unit_of_work(world.url) as session:
        seen = definitions.list_definitions(session=session, actor=admin)
        # "Mine" is private; the demo's own saved report is shared too
        assert [(d.name, d.owner) for d in seen] == [("Weekly", "supervisor"), ("Weekly by queue", "supervisor")]
        table = definitions.run_definition(session=session, actor=admin, name="Weekly", now=NOW,
                                           params=ReportParams(start=START, end=END))
        with pytest.raises(NotFound):
            definitions.run_definition(session=session, actor=admin, name="Mine",
                                       params=ReportParams(start=START, end=END))
        with pytest.raises(NotFound):  # only the owner deletes
            definitions.delete_definition(session=session, actor=admin, name="Weekly")
    assert table.title == "Weekly" and table.totals[2] == len(bf.in_period(world, {}))
    write_report(table, "xlsx", tmp_path / "weekly.xlsx")
    with zipfile.ZipFile(tmp_path / "weekly.xlsx") as book:
        assert "xl/charts/chart1.xml" in book.namelist()
        assert "Inquiries" in book.read("xl/charts/chart1.xml").decode()
    write_report(table, "html", tmp_path / "weekly.html")
    page = (tmp_path / "weekly.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 1 and page.count("<rect") == len(table.rows)


def test_bad_definitions_and_roles(world):
    supervisor = _person(world, "supervisor")
    with unit_of_work(world.url) as session:
        for spec, field in ((ReportSpec(groups=["nope"]), "group"), (ReportSpec(groups=["topic:0"]), "group"),
                            (ReportSpec(measures=["speed"]), "measures")):
            with pytest.raises(ValidationError) as error:
                definitions.save_definition(session=session, actor=supervisor, name="Bad", spec=spec)
            assert error.value.field == field
        with pytest.raises(NotFound):
            definitions.save_definition(session=session, actor=supervisor, name="Bad",
                                        spec=ReportSpec(filter="no such filter"))
        with pytest.raises(ValidationError):
            definitions.spec_from({"groups": ["queue", "week", "day"]})
        for call in (lambda: grouping_choices(session=session, actor=AGENT),
                     lambda: definitions.list_definitions(session=session, actor=AGENT)):
            with pytest.raises(PermissionDenied):
                call()
    with pytest.raises(PermissionDenied):
        build(world, ["queue"], actor=AGENT)


def test_cli_builds_lists_and_runs_a_saved_report(world, tmp_path):
    from crmterm.cli import app
    from test_cli import owner_url, runner

    def cli(*args: str):
        return runner.invoke(app, ["--db", owner_url(world.url), *args], env={
            "CRMTERM_HOME": str(tmp_path / "home"), "CRMTERM_USER": "supervisor", "CRMTERM_PASSWORD": "supervisor"})

    done = cli("report", "build", "By channel", "-g", "channel", "-g", "month", "-m", "count", "-m", "closed",
               "--shared")
    assert done.exit_code == 0, done.output
    listed = [(d["name"], d["shared"], d["spec"]["groups"])
              for d in json.loads(cli("report", "saved", "--json").stdout)]
    assert ("By channel", True, ["channel", "month"]) in listed
    assert ("Weekly by queue", True, ["queue", "week"]) in listed  # the demo's
    done = cli("report", "run", "By channel", "--from", "2026-03-01T00:00:00+00:00", "--to",
               "2026-04-01T00:00:00+00:00", "--format", "json")
    assert done.exit_code == 0, done.output
    document = json.loads(done.stdout)
    assert document["totals"]["count"] == len(bf.in_period(world, {}))
    wrong = cli("report", "build", "Bad", "-g", "colour")
    assert wrong.exit_code == 1 and wrong.stderr.startswith("error: ") and len(wrong.stderr.splitlines()) == 1
    assert cli("report", "forget", "By channel").exit_code == 0
    assert "By channel" not in [d["name"] for d in json.loads(cli("report", "saved", "--json").stdout)]


def _drilled(world: bf.World, key: dict, actor=ADMIN) -> list[int]:
    from crmterm.services.reports import reports

    ids, after = [], None
    with unit_of_work(world.url) as session:
        while True:
            page = reports.drill_down(session=session, actor=actor, report_row_key=key, after=after, limit=100)
            ids += [row.id for row in page.rows]
            if page.cursor is None:
                return sorted(ids)
            after = page.cursor


@pytest.mark.parametrize("groups", [["queue", "week"], ["place", "month"], ["topic:1", "operator"]])
def test_a_row_drills_down_to_the_inquiries_it_counted(world, groups):
    table = build(world, groups, filters={"channel": "phone"})
    labels, want = _labels(world), defaultdict(list)
    for inquiry in bf.in_period(world, {"channel": "phone"}):
        want[tuple(_shown(labels, key, _key(world, key, inquiry)) for key in groups)].append(inquiry["id"])
    checked = 0
    for row, key in zip(table.rows, table.drill, strict=True):
        if key is None:
            assert row[0] == "—" and groups[0] == "place"  # "no place" is no report filter
            continue
        assert _drilled(world, key) == sorted(want[(row[0], row[1])]) and len(want[(row[0], row[1])]) == row[2]
        checked += 1
    assert checked >= 3


def test_the_html_chart_escapes_labels_and_the_xlsx_chart_has_a_two_level_axis(tmp_path):
    """No database: a hand-made two-grouping table with a hostile label."""
    from crmterm.services.reports.report_table import Chart, Column, ColumnKind, ReportTable, Total

    table = ReportTable(name="builder", title="T", params={}, columns=[
        Column("g0", "Queue", total=Total.LABEL), Column("g1", "Channel"), Column("count", "Inquiries", ColumnKind.INT)],
        rows=[["<script>alert(1)</script>", "Phone", 3], ["Billing & co", "E-mail", 0]],
        chart=Chart("Inquiries by queue", ("g0", "g1"), "count"))
    write_report(table, "html", tmp_path / "t.html")
    page = (tmp_path / "t.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; · Phone" in page
    assert "Billing &amp; co · E-mail" in page and 'width="0.0"' in page  # a zero is an empty bar
    write_report(table, "xlsx", tmp_path / "t.xlsx")
    with zipfile.ZipFile(tmp_path / "t.xlsx") as book:
        chart = book.read("xl/charts/chart1.xml").decode()
    # two groupings: the bars' labels are a hidden column joining both, by formula, with its values cached
    assert "<c:strRef><c:f>T!$D$4:$D$5</c:f>" in chart and "$C$4:$C$5" in chart
    assert "Billing &amp; co · E-mail" in chart
