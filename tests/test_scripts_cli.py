"""`crmterm script …` through Typer's runner: validate with node ids and lines, run, import/export."""

from __future__ import annotations

import json
import textwrap

import pytest

from test_cli import cli_on

BROKEN = """\
code: broken
name: {en: Broken, ru: Сломанный}
nodes:
  - id: start
    type: question
    text: {en: Question, ru: Вопрос}
    answers:
      - {text: {en: A, ru: А}, next: stuck}
      - {text: {en: B, ru: Б}, next: done}
  - id: stuck
    type: statement
    text: {en: Read this, ru: Прочтите}
  - id: done
    type: end
    text: {en: Bye, ru: Пока}
  - id: lonely
    type: end
    text: {en: Nobody comes here, ru: Сюда не попасть}
"""


@pytest.fixture
def cli(demo_url, tmp_path):
    return cli_on(demo_url, tmp_path / "home")


def test_validate_reports_unreachable_node_and_dead_end(cli, tmp_path):
    target = tmp_path / "broken.yaml"
    target.write_text(BROKEN, encoding="utf-8")
    result = cli("script", "validate", str(target))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "node stuck (line 10): dead end: the walk stops here without an end node",
        "node lonely (line 16): unreachable from the start",
    ]


def test_validate_ok_and_export_import_round_trip(cli, tmp_path):
    exported = cli("script", "export", "retention")
    assert exported.exit_code == 0 and "code: retention" in exported.stdout
    target = tmp_path / "retention.yaml"
    target.write_text(exported.stdout, encoding="utf-8")
    checked = cli("script", "validate", str(target))
    assert checked.exit_code == 0 and checked.stdout.strip() == "ok"
    assert cli("script", "import", str(target)).stdout.strip() == "retention: unchanged"
    target.write_text(exported.stdout.replace("score: 40", "score: 45"), encoding="utf-8")
    assert cli("script", "import", str(target), "--draft").stdout.strip() == "retention: updated"
    assert cli("script", "publish", "retention").stdout.strip() == "retention v2 published"
    listed = json.loads(cli("script", "list", "--json").stdout)
    assert {(s["number"], s["status"]) for s in listed if s["code"] == "retention"} == {(1, "retired"),
                                                                                       (2, "published")}


def test_run_walks_with_numbers_and_back(cli):
    # reason 1 → discount 3 → back → discount 1 (accepts) → reason capture (2nd item: coverage) → offer made
    answers = "1\n3\nb\n1\n2\nyes\n"
    result = cli("script", "run", "retention", input=answers)
    assert result.exit_code == 0, result.output
    assert "score 20, outcome retained" in result.stdout
    # a person reads names (issue 19): the decided priority by its name, the questions without node ids
    assert "Priority: Normal" in result.stdout and "priority: normal" not in result.stdout
    assert "\n[" not in result.stdout


def test_run_saves_on_an_inquiry(cli):
    created = cli("inquiry", "create", "--customer", "1", "--topic", "contract_termination",
                  "--attr", "termination_reason=price", "--json")
    assert created.exit_code == 0, created.output
    inquiry = json.loads(created.stdout)["inquiry_ids"][0]
    result = cli("script", "run", "retention", "--inquiry", str(inquiry), input="1\n3\n3\nprice\nyes\n")
    assert result.exit_code == 0, result.output
    shown = json.loads(cli("inquiry", "show", str(inquiry), "--json").stdout)
    assert shown["priority"] == "critical" and shown["queue"] == "vip_line"
    assert any(e["kind"] == "script" and "score 85" in e["text"] for e in shown["events"])


def test_validate_broken_yaml_is_one_line(cli, tmp_path):
    target = tmp_path / "bad.yaml"
    target.write_text(textwrap.dedent("code: x\nnodes: [\n"), encoding="utf-8")
    result = cli("script", "validate", str(target))
    assert result.exit_code == 1 and result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
