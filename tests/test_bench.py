"""A small `crmterm bench` run: every figure of the documented JSON document is there and no inquiry was
taken twice. Timings are not asserted here — they are what the bench reports (docs/performance.md)."""

from __future__ import annotations

import json
import random

import pytest
from sqlmodel import col, func, select
from test_cli import app, runner

from crmterm.bench import api
from crmterm.store import ApiToken, Contact, Inquiry, User
from crmterm.store.db import unit_of_work

KEYS = {"customer_search_p95_ms", "customer_search_raw_p95_ms", "customer_card_p95_ms", "customer_card_raw_p95_ms",
        "register_per_s", "register_raw_per_s", "take_next_per_s", "take_next_raw_per_s", "double_assigned",
        "queue_page_p95_ms", "queue_page_raw_p95_ms", "report_topics_month_s", "customers_import_per_s",
        "tui_ready_s", "tui_workspace_s", "tui_rss_mb", "cli_help_s", "cli_search_s", "kb_search_median_ms",
        "kb_search_p95_ms", "report_topics_s", "report_operators_s", "report_repeats_s", "report_sla_s",
        "kb_articles", "api_register_per_s", "api_search_p95_ms"}


def test_small_bench_reports_every_figure_and_no_double_take(tmp_path):
    url = f"sqlite:///{tmp_path / 'bench.db'}"
    result = runner.invoke(app, ["bench", "--db", url, "--customers", "2000", "--inquiries", "5000", "--rounds",
                                 "200", "--workers", "8", "--kb-articles", "300", "--json", "--out", str(tmp_path / "bench.json")],
                           env={"CRMTERM_HOME": str(tmp_path / "home")})
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert (document["backend"], document["customers"], document["inquiries"]) == ("sqlite", 2000, 5000)
    assert 0 < document["built"]["customers"] <= 2000 and 0 < document["built"]["inquiries"] <= 5000
    assert KEYS <= set(document["metrics"]), KEYS - set(document["metrics"])
    assert document["metrics"]["double_assigned"] == 0
    assert all(value > 0 for key, value in document["metrics"].items() if key != "double_assigned"
               and isinstance(value, float))
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
