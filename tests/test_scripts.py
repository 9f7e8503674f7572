"""Branching scripts without a database: document checks with node ids and lines, the walk, decisions."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from crmterm.services.directory import yaml_lines
from crmterm.workflow import script_checks, scripts
from crmterm.workflow.script_walk import Walk, WalkError, decide

DEMO = Path(__file__).parents[1] / "data" / "seed" / "demo_scripts.yaml"


def demo(code: str) -> scripts.ScriptDocument:
    raw = next(s for s in yaml_lines.load(DEMO)["scripts"] if s["code"] == code)
    return scripts.parse(raw)


def load(tmp_path, text: str) -> scripts.ScriptDocument:
    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return scripts.parse(yaml_lines.load(path))


def test_demo_scripts_are_clean():
    for code in ("no_data", "retention", "roaming"):
        assert script_checks.validate(demo(code)) == [], code


def test_retention_walk_scores_and_decides():
    walk = Walk(demo("retention"))
    walk.answer(1)  # too expensive: 10 x weight 2
    walk.answer(3)  # declines the discount: 40
    walk.answer(3)  # more than 5 years: 25
    walk.capture("price")
    walk.capture(True)
    assert walk.finished and walk.outcome == "at_risk" and walk.score == 85
    assert walk.path == ["reason", "offer_discount", "value", "reason_capture", "offer_made", "kept", "leaving"]
    assert walk.captures == {"termination_reason": "price", "retention_offer_made": True}
    assert decide(walk) == scripts_decision("critical", "vip_line")


def scripts_decision(priority, queue):
    from crmterm.workflow.script_walk import Decision

    return Decision(priority=priority, queue=queue)


def test_back_forgets_choices_and_forward_redoes_them():
    walk = Walk(demo("retention"))
    walk.answer(1)
    walk.answer(1)  # accepts: no score
    walk.capture("price")
    walk.back()
    walk.back()
    assert walk.node.id == "offer_discount" and walk.captures == {} and walk.score == 20
    walk.forward()
    assert walk.node.id == "reason_capture"
    walk.back()
    walk.answer(3)  # a different choice drops the redo
    assert not walk.can_forward and walk.node.id == "value" and walk.score == 60


def test_branch_reads_captured_values():
    walk = Walk(demo("no_data"))
    walk.capture("2026-01-05 10:00")
    for number in (1, 1):
        walk.answer(number)
    walk.proceed()
    walk.capture(False)
    walk.answer(2)
    walk.capture("2g")
    assert walk.outcome == "apn_resent" and "is_2g" in walk.path
    assert decide(walk).priority is None


def test_wrong_moves_are_refused():
    walk = Walk(demo("retention"))
    with pytest.raises(WalkError):
        walk.answer(7)
    with pytest.raises(WalkError):
        walk.capture("x")


def test_checks_report_every_kind_of_problem_with_ids_and_lines(tmp_path):
    document = load(tmp_path, """\
        code: broken
        name: {en: Broken}
        nodes:
          - id: start
            type: question
            text: {en: Question, ru: Вопрос}
            answers:
              - {text: {en: A, ru: А}, next: loop_a}
              - {text: {en: B, ru: Б}}
          - id: loop_a
            type: branch
            condition: script.score > 1
            then: loop_b
            else: loop_b
          - id: loop_b
            type: statement
            text: {en: Again, ru: Снова}
            next: loop_a
          - id: orphan
            type: end
            text: {en: Bye, ru: Пока}
          - id: grab
            type: capture
            attribute: nope
            text: {en: X, ru: Х}
            next: orphan
        decisions:
          priority:
            - {when: 'script.score >', value: urgent}
        """)
    found = script_checks.validate(document, attribute_known=lambda target, code: code != "nope",
                                   ref_known=lambda kind, code: code != "urgent")
    text = [str(p) for p in found]
    assert "node start (line 4): answer 2 has no target" in text
    assert "node loop_a (line 10): cycle without an exit: loop_a → loop_b" in text
    assert "node orphan (line 19): unreachable from the start" in text
    assert "node grab (line 22): captures into unknown inquiry attribute 'nope'" in text
    assert any(t.startswith("script (line 1): name: missing translation ru") for t in text)
    assert any("decision priority #1" in t and "unknown priority 'urgent'" in t for t in text)
    assert any("decision priority #1: column" in t for t in text)


def test_shape_errors_name_the_node_and_line(tmp_path):
    with pytest.raises(scripts.DocumentError) as raised:
        load(tmp_path, """\
            code: x
            name: X
            nodes:
              - id: a
                type: question
                answers: [{text: A, score: lots}]
            """)
    node, line, message = raised.value.problems[0]
    assert node == "a" and line == 6 and "score" in message  # the line of `answers`
