"""A small `crmterm bench` run: every figure of the documented JSON document is there and no inquiry was
taken twice. Timings are not asserted here — they are what the bench reports (docs/performance.md)."""

from __future__ import annotations

import json
import random

import pytest
from sqlalchemy import update
from sqlmodel import col, func, select
from test_cli import app, runner

from crmterm.bench import api, concurrent, queues, registration, registration_setup
from crmterm.services.accounts.permissions import SYSTEM
from crmterm.services.routing import queues as queue_service
from crmterm.services.routing.queues import InquiryFilter
from crmterm.store import ApiToken, Contact, Inquiry, InquiryEvent, InquiryValue, Queue, Topic, User
from crmterm.store.db import engine_for, unit_of_work

KEYS = {"customer_search_p95_ms", "customer_search_raw_p95_ms", "customer_card_p95_ms", "customer_card_raw_p95_ms",
        "register_per_s", "register_raw_per_s", "take_next_per_s", "take_next_raw_per_s", "double_assigned",
        "queue_page_p95_ms", "queue_page_raw_p95_ms", "report_topics_month_s", "customers_import_per_s",
        "cli_help_s", "cli_search_s", "kb_search_median_ms",
        "kb_search_p95_ms", "report_topics_s", "report_operators_s", "report_repeats_s", "report_sla_s",
        "kb_articles", "api_register_per_s", "api_search_p95_ms", "concurrent_register_per_s",
        "concurrent_register_raw_per_s", "concurrent_register_busy"}


@pytest.mark.slow  # a whole bench run: ~40 s of CPU; the figures' own tests below stay in the default suite
def test_small_bench_reports_every_figure_and_no_double_take(tmp_path):
    """Every figure but the TUI's (tests/test_bench_doc.py measures those on its own small set: the probes
    start the app several times, which this run need not pay again)."""
    url = f"sqlite:///{tmp_path / 'bench.db'}"
    result = runner.invoke(app, ["bench", "--db", url, "--customers", "500", "--inquiries", "1500", "--rounds",
                                 "200", "--workers", "2", "--concurrent-seconds", "1", "--kb-articles", "300", "--no-tui", "--json",
                                 "--out", str(tmp_path / "bench.json")],
                           env={"CRMTERM_HOME": str(tmp_path / "home")})
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert (document["backend"], document["customers"], document["inquiries"]) == ("sqlite", 500, 1500)
    assert 0 < document["built"]["customers"] <= 500 and 0 < document["built"]["inquiries"] <= 1500
    assert KEYS <= set(document["metrics"]), KEYS - set(document["metrics"])
    assert document["metrics"]["double_assigned"] == 0
    assert all(value > 0 for key, value in document["metrics"].items() if key != "double_assigned"
               and isinstance(value, float))
    assert document["metrics"]["concurrent_register_per_s"] > 0 < document["metrics"]["concurrent_register_raw_per_s"]
    assert json.loads((tmp_path / "bench.json").read_text(encoding="utf-8")) == document


@pytest.mark.parametrize("demo_url", ["sqlite", "postgresql"], indirect=True)
def test_api_figures_come_from_committed_registrations_on_a_real_server(demo_url):
    """`crmterm serve` in its own process (two workers on PostgreSQL): every registration timed was committed
    (its contact is there), its inquiry then cancelled so the queues stay as they were; the token is revoked."""
    figures = api.measure_api(demo_url, rounds=48, rng=random.Random(5))
    assert figures["api_workers"] == (1 if demo_url.startswith("sqlite") else 2)
    assert figures["api_register_per_s"] > 0 and figures["api_search_p95_ms"] > 0
    with unit_of_work(demo_url) as session:
        bench_user = session.exec(select(User.id).where(User.login == api.LOGIN)).one()
        contacts = session.exec(select(func.count()).select_from(Contact)
                                .where(col(Contact.operator_id) == bench_user)).one()
        states = set(session.exec(select(Inquiry.state).join(Contact, col(Contact.id) == Inquiry.contact_id)
                                  .where(col(Contact.operator_id) == bench_user)).all())
        live_tokens = session.exec(select(func.count()).select_from(ApiToken).where(
            col(ApiToken.user_id) == bench_user, col(ApiToken.revoked_at).is_(None))).one()
    assert contacts == 48 + api.CLIENTS and states == {"cancelled"} and live_tokens == 0


def _bench_inquiries(url: str) -> list[tuple[int, str, int, str, tuple[str, ...], int]]:
    """(id, topic, customer, state, event kinds, number of values) of every inquiry the bench agents wrote."""
    with unit_of_work(url) as session:
        agents = select(User.id).where(col(User.login).in_(registration_setup.LOGINS))
        rows = session.exec(select(Inquiry.id, Topic.code, Inquiry.party_id, Inquiry.state)
                            .join(Topic, col(Topic.id) == Inquiry.topic_id)
                            .join(Contact, col(Contact.id) == Inquiry.contact_id)
                            .where(col(Contact.operator_id).in_(agents))).all()
        ids = [r[0] for r in rows]
        kinds: dict = {}
        for inquiry_id, kind in session.exec(select(InquiryEvent.inquiry_id, InquiryEvent.kind)
                                             .where(col(InquiryEvent.inquiry_id).in_(ids))
                                             .order_by(col(InquiryEvent.id))):
            kinds.setdefault(inquiry_id, []).append(kind)
        values = dict(session.exec(select(InquiryValue.inquiry_id, func.count()).where(
            col(InquiryValue.inquiry_id).in_(ids)).group_by(col(InquiryValue.inquiry_id))).all())
    return [(i, topic, party or 0, state, tuple(kinds.get(i, [])), values.get(i, 0)) for i, topic, party, state in rows]


@pytest.mark.parametrize("demo_url", ["sqlite", "postgresql"], indirect=True)
def test_registration_figures_come_from_committed_varied_registrations(demo_url):
    """Every timed registration was committed (service and raw alike: 2 × rounds, plus one prototype per
    topic), over several topics and customers; the raw rows are the service's rows (the same events and
    values per topic); the inquiries end cancelled or closed, so the queues are as they were. A second run on
    the same database (here the concurrent one) finds the bench topics and agents and adds its own."""
    figures = registration.measure_registration(demo_url, rounds=30, rng=random.Random(5))
    assert all(figures[k] > 0 for k in ("register_per_s", "register_raw_per_s", "register_1_inquiry_5_attrs_p50_ms",
                                        "register_1_inquiry_5_attrs_p95_ms"))
    written = _bench_inquiries(demo_url)
    assert len(written) == 2 * 30 + len(registration_setup.TOPICS)
    assert {topic for _i, topic, *_r in written} == set(registration_setup.TOPICS)
    assert len({party for _i, _t, party, *_r in written}) > 20
    assert {state for _i, _t, _p, state, *_r in written} <= {"cancelled", "closed"}
    shapes: dict = {}
    for _i, topic, _p, _s, kinds, values in written:
        shapes.setdefault(topic, set()).add((kinds, values))
    assert all(len(found) == 1 for found in shapes.values()), shapes
    assert shapes["bench_reg_question"] == {(("created", "closed"), 1)}

    together = concurrent.measure_concurrent(demo_url, workers=2, seconds=1)
    assert together["concurrent_register_per_s"] > 0 and together["concurrent_register_raw_per_s"] > 0
    assert together["concurrent_register_workers"] == 2
    again = _bench_inquiries(demo_url)
    assert len(again) >= len(written) + len(registration_setup.TOPICS) + 2 * together["concurrent_register_per_s"]
    assert {state for _i, _t, _p, state, *_r in again} <= {"cancelled", "closed"}


@pytest.mark.parametrize("demo_url", ["sqlite", "postgresql"], indirect=True)
def test_raw_queue_pages_read_the_pages_the_service_shows(demo_url):
    """For every sort, both directions and a set of states (open: waiting and taken merged) or one state, the
    raw baseline's first and next page are the service's pages, row for row."""
    registration.measure_registration(demo_url, rounds=45, rng=random.Random(9))
    with unit_of_work(demo_url) as session:
        queue_id, code = session.exec(select(Queue.id, Queue.code).join(Inquiry, col(Inquiry.queue_id) == Queue.id)
                                      .group_by(col(Queue.id), col(Queue.code))
                                      .order_by(func.count().desc())).first()
        for state, remainder in (("waiting", 0), ("taken", 1)):  # back in the queue, in two states
            session.execute(update(Inquiry).where(col(Inquiry.queue_id) == queue_id, col(Inquiry.id) % 2 == remainder)
                            .values(state=state))
    engine = engine_for(demo_url)
    connection = engine.raw_connection()
    next_pages = 0
    try:
        for state in ("open", "taken"):
            for sort in queue_service.SORTS:
                for descending in (False, True):
                    next_pages += _same_pages(demo_url, connection, engine.dialect.name, (queue_id, code), state, sort,
                                         descending)
    finally:
        connection.close()
    assert next_pages >= 6  # every sort and direction of the open list has a next page, compared too


def _same_pages(url: str, connection, dialect: str, queue: tuple[int, str], state: str, sort: str,
                descending: bool) -> int:
    """Asserts the raw pages are the service's; 1 when there was a next page to compare, else 0."""
    where = InquiryFilter(queue=queue[1], state=state)
    with unit_of_work(url) as session:
        page = queue_service.page(session=session, actor=SYSTEM, where=where, sort=sort, descending=descending)
        following = queue_service.page(session=session, actor=SYSTEM, where=where, sort=sort, descending=descending,
                                       after=page.cursor) if page.cursor else None
    raw = queues.raw_page(connection, dialect, queue[0], state, sort, descending)
    assert [r[0] for r in raw[:queue_service.PAGE]] == [r.id for r in page.rows]
    assert (len(raw) > queue_service.PAGE) == (following is not None)
    if following is None:
        return 0
    raw_next = queues.raw_page(connection, dialect, queue[0], state, sort, descending,
                               after=raw[queue_service.PAGE - 1])
    assert [r[0] for r in raw_next[:queue_service.PAGE]] == [r.id for r in following.rows]
    return 1
