"""CEL rules: positions of syntax errors, unknown names, evaluation that never fails a form."""

from __future__ import annotations

from crmterm.workflow import rules


def test_syntax_error_reports_the_column_inside_the_expression():
    [problem] = rules.problems("inquiry.attrs.amount >> 1000")
    assert problem.column == 23 and "Syntax error" in problem.message
    assert str(problem).startswith("column 23: ")


def test_unknown_attribute_and_variable_are_reported():
    found = rules.problems("inquiry.attrs.amout > 1 && client.x == 1", lambda owner, code: code == "amount")
    messages = [str(p) for p in found]
    assert any("unknown variable 'client'" in m for m in messages)
    assert "column 15: unknown attribute 'amout'" in messages


def test_constants_and_yaml_booleans_normalise():
    assert rules.normalise(True) == "true" and rules.normalise(None) == "false"
    assert rules.normalise(" TRUE ") == "true" and rules.problems("true") == []


def test_a_rule_over_an_empty_attribute_is_false_not_an_error():
    context = {"inquiry": {"attrs": {}}}
    assert rules.holds("inquiry.attrs.amount > 1000", context) is False
    context["inquiry"]["attrs"]["amount"] = 1500.0
    assert rules.holds("inquiry.attrs.amount > 1000", context) is True
