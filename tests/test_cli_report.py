"""`crmterm report …` through Typer's runner on both databases: a JSON export checked by brute force, the
terminal table, and bad input as one line on stderr with exit code 1."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

import report_world as bf
from report_world import world  # noqa: F401 - the shared module-scoped fixture
from test_cli import cli_on

PERIOD = ["--from", "2026-03-01T00:00:00+00:00", "--to", "2026-04-01T00:00:00+00:00"]


@pytest.fixture
def cli(world, tmp_path):
    return cli_on(world.url, tmp_path / "home")


def test_repeats_as_json_match_brute_force(world, cli, tmp_path):
    target = tmp_path / "repeats.json"
    done = cli("report", "repeats", *PERIOD, "--days", "20", "--format", "json", "--out", str(target))
    assert done.exit_code == 0, done.output
    document = json.loads(target.read_text(encoding="utf-8"))
    expected = bf.repeats(world, {}, 20)
    got = {(r["customer_id"], world.codes["leaf"][r["code"]]): r for r in document["rows"]}
    assert set(got) == set(expected)
    for pair, row in got.items():
        want = expected[pair]
        assert (row["inquiries"], row["repeats"]) == (want["inquiries"], want["repeats"])
        assert datetime.fromisoformat(row["first"]) == want["first"]
        assert datetime.fromisoformat(row["last"]) == want["last"]
    assert document["totals"]["repeats"] == sum(w["repeats"] for w in expected.values())


def test_repeats_as_xlsx_match_brute_force(world, cli, tmp_path):
    """The issue's acceptance: the XLSX export, read back with openpyxl, has the brute-force rows."""
    from openpyxl import load_workbook

    target = tmp_path / "r.xlsx"
    done = cli("report", "repeats", *PERIOD, "--days", "20", "--format", "xlsx", "--out", str(target))
    assert done.exit_code == 0, done.output
    sheet = load_workbook(target).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header_at = next(i for i, r in enumerate(rows) if "Customer number" in r)
    header = rows[header_at]
    body = [dict(zip(header, r)) for r in rows[header_at + 1:] if r[header.index("Customer number")] is not None]
    expected = bf.repeats(world, {}, 20)
    code_of = next(h for h in header if h in ("Code", "Topic code"))
    got = {(r["Customer number"], world.codes["leaf"][r[code_of]]): r for r in body}
    assert set(got) == set(expected)
    for pair, row in got.items():
        assert (row["Inquiries in the period"], row["Repeats"]) == (expected[pair]["inquiries"],
                                                                   expected[pair]["repeats"])


def test_table_on_the_terminal_and_json_on_stdout(cli):
    shown = cli("report", "topics", *PERIOD, "--filter", "channel=phone")
    assert shown.exit_code == 0, shown.output
    assert "Inquiries by topic" in shown.stdout and "Total" in shown.stdout
    printed = cli("report", "sla", *PERIOD, "--json")
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.stdout)["name"] == "sla"


def test_the_terminal_table_shows_times_as_durations_and_json_keeps_hours(cli):
    """Issue 19: the table said "3.5" for three and a half hours; it says "3:30" (or "1d 03h") now, under a
    heading without the unit, while --json keeps the number (its label names the unit)."""
    from datetime import timedelta

    from crmterm.i18n import fmt_duration

    document = json.loads(cli("report", "topics", *PERIOD, "--json").stdout)
    medians = [row["median_hours"] for row in document["rows"] if row["median_hours"] is not None]
    assert medians and all(isinstance(hours, float | int) for hours in medians)
    assert any(c["label"] == "Median time to close, h" for c in document["columns"])
    shown = cli("report", "topics", *PERIOD)
    assert shown.exit_code == 0, shown.output
    assert "Median time to close " in shown.stdout and "Median time to close, h" not in shown.stdout
    for hours in medians:
        assert fmt_duration(timedelta(hours=hours), capped=False) in shown.stdout
        assert f" {hours:.1f} " not in shown.stdout


@pytest.mark.parametrize("args, message", [
    (["topics", *PERIOD, "--filter", "colour=red"], "unknown filter 'colour'"),
    (["topics", "--from", "yesterday", "--to", "2026-04-01"], "from: expected a date"),
    (["topics", "--from", "2026-04-01", "--to", "2026-03-01"], "the period ends before it starts"),
    (["custom", "nothing saved", *PERIOD], "saved filters belong to a person"),  # the system account
    (["topics", *PERIOD, "--format", "xlsx"], "xlsx needs --out FILE"),
])
def test_bad_input_is_one_line_and_exit_1(cli, args, message):
    result = cli("report", *args)
    assert result.exit_code == 1 and message in result.stderr, result.output
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
