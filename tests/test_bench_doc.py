"""The bench's new figures (the four standard reports, TUI ready / workspace, the machine) measured for real on
a small set, and docs/performance.md's tables rendered from such a document: each figure's value in its row,
met or missed against its target, "not measured" where the document has no figure, a growth row per size."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime

import pytest
from conftest import copy_demo, owner_url
from sqlmodel import func, select

from crmterm.bench import customers, dataset, doc, machine, take, tui
from crmterm.bench import reports as report_bench
from crmterm.bench.targets import FIGURES, value_text
from crmterm.services.accounts.permissions import SYSTEM
from crmterm.services.routing import queues
from crmterm.store import Inquiry
from crmterm.store.db import dispose_all, unit_of_work

ONE_RUN = pytest.mark.xdist_group("bench_doc_small_run")  # on one xdist worker, the module fixture runs once
REPORT_KEYS = {"report_topics_s", "report_operators_s", "report_repeats_s", "report_sla_s"}
PAGE = "# Performance\n\nProse before.\n\n<!-- figures:start -->\nold table\n<!-- figures:end -->\n\nProse after.\n"


@pytest.fixture(scope="module")
def small_run(tmp_path_factory, _demo_sqlite_template) -> dict:  # its tests share a worker (ONE_RUN): built once
    """A bench document from real measurements on a small SQLite set (not the whole bench: test_bench.py runs
    that): search, the four reports and the TUI, beside the machine facts."""
    url = copy_demo(_demo_sqlite_template, tmp_path_factory.mktemp("bench-doc") / "bench.db")
    dataset.ensure(url, 300, 1000)
    with unit_of_work(url) as session:
        metrics = customers.measure_search(session, SYSTEM, 200, random.Random(3))
        session.rollback()
    metrics |= report_bench.measure_reports(url) | tui.measure_tui(url, runs=1)
    dispose_all()
    return {"backend": "sqlite", "customers": 300, "inquiries": 1000, "machine": machine.facts(url),
            "metrics": metrics}


def _render(tmp_path, *documents: dict) -> str:
    paths = []
    for number, document in enumerate(documents):
        paths.append(tmp_path / f"bench-{number}.json")
        paths[-1].write_text(json.dumps(document), encoding="utf-8")
    page = tmp_path / "performance.md"
    page.write_text(PAGE, encoding="utf-8")
    assert doc.main([*map(str, paths), "--doc", str(page)]) == 0
    return page.read_text(encoding="utf-8")


def _row(page: str, label_start: str) -> list[str]:
    """The cells of the first table row whose label starts so."""
    line = next(line for line in page.splitlines() if line.startswith(f"| {label_start}"))
    return [cell.strip() for cell in line.strip("|").split("|")]


@pytest.mark.parametrize("demo_url", ["sqlite", "postgresql"], indirect=True)
def test_the_four_reports_are_timed_over_the_last_full_month(demo_url):
    url = owner_url(demo_url)
    dataset.ensure(url, 200, 600)
    start, end = report_bench.month_of(url)
    with unit_of_work(url) as session:
        newest = session.exec(select(func.max(Inquiry.created_at))).one()
        in_month = session.exec(select(func.count()).select_from(Inquiry).where(
            Inquiry.created_at >= start, Inquiry.created_at < end)).one()
    assert end == datetime(newest.year, newest.month, 1, tzinfo=UTC) and start.day == 1 and start < end
    assert in_month > 0  # the month has work for the reports
    figures = report_bench.measure_reports(url)
    assert set(figures) == REPORT_KEYS and all(value > 0 for value in figures.values())


@pytest.mark.parametrize("demo_url", ["sqlite", "postgresql"], indirect=True)
def test_the_take_next_bench_leaves_no_queue_on_a_supervisors_list(demo_url):
    """Its emptied queue (sort order 0) was the first a supervisor's Queues tab opened: the TUI figure timed
    an empty table."""
    url = owner_url(demo_url)
    dataset.ensure(url, 100, 300)

    def listed() -> list[str]:
        with unit_of_work(url) as session:
            return [q.code for q in queues.my_queues(session=session, actor=SYSTEM)]  # admin: every active queue

    before = listed()
    assert take.measure_take_next(url, workers=2, inquiries=40)["double_assigned"] == 0
    assert listed() == before
    assert take.measure_take_next(url, workers=2, inquiries=40)["take_next_per_s"] > 0  # a second run still takes
    assert listed() == before


@pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)
def test_machine_facts_name_the_database_server(db_url):
    facts = machine.facts(db_url)
    assert {"date", "cpu", "cores", "ram_gb", "os", "python", "sqlite", "crmterm"} <= set(facts)
    assert facts["cores"] >= 1 and facts["date"].endswith("Z")
    assert ("postgresql" in facts) == db_url.startswith("postgresql")


@ONE_RUN
def test_tui_figures_are_measured_on_a_small_set(small_run):
    metrics = small_run["metrics"]
    assert metrics["tui_ready_s"] > 0 and metrics["tui_workspace_s"] > 0 and metrics["tui_rss_mb"] > 0
    assert 0 < metrics["tui_ready_cpu_s"]


@ONE_RUN
def test_each_figure_lands_in_its_row_with_its_verdict(tmp_path, small_run):
    page = _render(tmp_path, small_run)
    assert page.startswith("# Performance\n\nProse before.\n\n<!-- figures:start -->")
    assert page.endswith("<!-- figures:end -->\n\nProse after.\n") and "old table" not in page
    metrics = small_run["metrics"]
    for key in (*REPORT_KEYS, "tui_ready_s"):
        figure = next(f for f in FIGURES if f.key == key)
        limit = figure.target.limit if figure.target else None
        cells = _row(page, figure.label)
        assert cells[1] == value_text(metrics[key], figure.unit)
        assert cells[4] == ("✓" if metrics[key] <= limit else "**missed**"), cells
    search = _row(page, "customer search p95")
    ratio = metrics["customer_search_p95_ms"] / metrics["customer_search_raw_p95_ms"]
    met = metrics["customer_search_p95_ms"] <= 20 and ratio <= 2
    assert search[2] == value_text(metrics["customer_search_raw_p95_ms"], "ms")
    assert search[4] == ("✓" if met else "**missed**") + f" ({ratio:.1f}× raw)"
    assert _row(page, "customer card p95")[1:3] == ["not measured", "not measured"]
    assert small_run["machine"]["cpu"] in page and "### PostgreSQL\n\nNot measured" in page


def test_targets_are_judged_per_database_and_setting(tmp_path):
    metrics = {"customer_search_p95_ms": 5.0, "customer_search_raw_p95_ms": 1.0, "register_per_s": 350.0,
               "register_raw_per_s": 1000.0, "take_next_per_s": 1200.0, "take_next_workers": 8,
               "customers_import_per_s": 19_000.0, "double_assigned": 0, "report_sla_s": 3.5}
    sqlite = {"backend": "sqlite", "customers": 10_000, "inquiries": 30_000, "metrics": metrics}
    postgresql = {**sqlite, "backend": "postgresql", "metrics": {**metrics, "take_next_workers": 16}}
    page = _render(tmp_path, sqlite, postgresql)
    sqlite_part, postgresql_part = page.split("### PostgreSQL")
    assert _row(sqlite_part, "customer search p95")[4] == "**missed** (5.0× raw)"  # fast, but 5× raw
    assert _row(sqlite_part, "registration")[4] == "✓ (0.35 of raw)"
    assert _row(postgresql_part, "registration")[4] == "— (target for SQLite)"
    assert _row(sqlite_part, "take-next, 8 worker")[4] == "— (target for PostgreSQL)"
    assert _row(postgresql_part, "take-next, 16 worker")[4] == "✓"
    assert _row(postgresql_part, "customer import")[4] == "**missed**"
    assert _row(sqlite_part, "inquiries taken twice")[1:5] == ["0", "—", "≤ 0", "✓"]
    assert _row(sqlite_part, "sla report")[4] == "**missed**"
    assert _row(sqlite_part, "TUI ready (")[1] == "not measured"
    assert "Machine: not recorded" in sqlite_part


def test_growth_table_takes_each_size_from_its_document(tmp_path):
    def sized(customers_n: int, search_ms: float) -> dict:
        return {"backend": "sqlite", "customers": customers_n, "inquiries": 30_000,
                "metrics": {"customer_search_p95_ms": search_ms, "register_per_s": 200.0, "report_topics_s": 0.5}}

    page = _render(tmp_path, sized(100_000, 4.0), sized(10_000, 2.0))
    growth = page.split("### Growth")[1]
    assert _row(growth, "SQLite | 10,000")[3:5] == ["2.00 ms", "200 /s"]
    assert _row(growth, "SQLite | 100,000")[3] == "4.00 ms"
    assert _row(growth, "SQLite | 100,000")[5].startswith("0.50 s / not measured")
    assert _row(growth, "SQLite | 1,000,000")[3:6] == ["not measured"] * 3
    assert _row(growth, "PostgreSQL | 10,000")[3] == "not measured"
    assert "100,000 customers, 30,000 inquiries" in page.split("### Growth")[0]  # the largest set's table


def test_a_page_without_markers_is_refused_in_one_line(tmp_path, capsys):
    (tmp_path / "bench.json").write_text(json.dumps({"backend": "sqlite", "customers": 1, "metrics": {}}))
    (tmp_path / "page.md").write_text("# no markers\n", encoding="utf-8")
    assert doc.main([str(tmp_path / "bench.json"), "--doc", str(tmp_path / "page.md")]) == 1
    error = capsys.readouterr().err
    assert error.startswith("error: ") and error.count("\n") == 1
    assert (tmp_path / "page.md").read_text(encoding="utf-8") == "# no markers\n"
