"""Fuzzed CEL rules (issue 12 item 8): random text, well-formed-looking expressions, nesting beyond any
recursion limit and huge literals. `problems` reports, `holds` answers true or false, `evaluate` raises only
the documented ValueError/KeyError/TypeError/RuntimeError; a rule saved on an attribute (both databases) is
refused with a ValidationError naming the field, or stored."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import example, given
from hypothesis import strategies as st
from sqlmodel import Session

from crmterm.services.directory import directory
from crmterm.services.accounts.permissions import SYSTEM
from crmterm.store.db import engine_for
from crmterm.workflow import rules
from fuzz_strategies import fuzz, nasty_text, outcome_of, shared_demo_url, tally  # noqa: F401
from crmterm.errors import ValidationError

ATOMS = ("inquiry.attrs.amount", "inquiry.priority", "customer.category", "now", "event.data.x", "1", "1.5",
         "'x'", "true", "null", "[1, 2]", "{'a': 1}", "9223372036854775807", "-9223372036854775808", "1u",
         "b'\\xff'", "duration('1000000000000h')", "timestamp('99999-01-01T00:00:00Z')", "no_such_var",
         "inquiry.attrs['a b']", "size('x')", "int('x')", "'" + "a" * 100_000 + "'", "9" * 5000)
OPERATORS = (" + ", " - ", " * ", " / ", " % ", " == ", " != ", " < ", " && ", " || ", " in ", ".", "[", "?")


@st.composite
def expressions(draw, depth: int = 4) -> str:
    if depth == 0 or draw(st.booleans()):
        return draw(st.sampled_from(ATOMS))
    left, right = draw(expressions(depth - 1)), draw(expressions(depth - 1))
    shape = draw(st.sampled_from(("binary", "not", "call", "cond", "paren")))
    if shape == "binary":
        return f"{left}{draw(st.sampled_from(OPERATORS))}{right}"
    if shape == "not":
        return "!" + left
    if shape == "call":
        return f"{draw(st.sampled_from(('has', 'size', 'int', 'string', 'matches', 'exists')))}({left})"
    return f"{left} ? {right} : 1" if shape == "cond" else f"({left})"


def deep(depth_max: int = 50_000) -> st.SearchStrategy[str]:
    return st.builds(lambda n, kind: {"paren": "(" * n + "1" + ")" * n, "not": "!" * n + "true",
                                      "neg": "-" * n + "1", "sum": "1 + " * n + "1", "list": "[" * n + "]" * n,
                                      "open": "(" * n}[kind],
                     st.integers(100, depth_max), st.sampled_from(("paren", "not", "neg", "sum", "list", "open")))


CONTEXT = {"inquiry": {"attrs": {"amount": 1500.0}, "priority": "high", "topic": "x"},
           "customer": {"category": "vip", "attrs": {}}, "now": datetime(2026, 1, 1, tzinfo=UTC),
           "event": {"name": "paid", "data": {"x": 1}}, "contact": {}, "operator": {}}


@fuzz(60)
@given(expression=st.one_of(expressions(), deep(), nasty_text(), st.text(alphabet="()[]{}!?:.,'\"\\ab1+-*/%<=&|",
                                                                          max_size=40)))
@example(expression="(" * 50_000 + "1" + ")" * 50_000)
@example(expression="1 + " * 20_000 + "1")
@example(expression="-9223372036854775808 / -1")
def test_rules_report_problems_or_answer(expression):
    found = rules.problems(expression, attribute_known=lambda owner, code: code == "amount")
    assert all(isinstance(p, rules.RuleProblem) and str(p) for p in found)
    assert rules.holds(expression, CONTEXT) in (True, False)
    try:
        rules.evaluate(expression, CONTEXT)
    except (ValueError, KeyError, TypeError, RuntimeError):
        pass
    tally("rules.cel", "refused" if found else "accepted")


@fuzz(30)
@given(flag=st.sampled_from(("mandatory", "hidden", "readonly")),
       rule=st.one_of(expressions(3), deep(5_000), nasty_text(), st.sampled_from(["", "true", "no", "yes"])))
@example(flag="mandatory", rule="(" * 5_000)
def test_saving_a_rule_on_an_attribute(shared_demo_url, flag, rule):
    with Session(engine_for(shared_demo_url)) as session:
        try:
            outcome = outcome_of("rules.saved", lambda: directory.create_entry(
                session=session, actor=SYSTEM, kind="attributes", source="fuzz",
                values={"code": "fuzz_rule", "topic": "billing", "type": "string", "labels": {"en": "x"},
                        flag: rule}))
            if isinstance(outcome, ValidationError):
                assert outcome.field, f"which field? {outcome}"
        finally:
            session.rollback()
