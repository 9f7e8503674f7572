"""Issue 20 item 14: the variables of CEL's comprehension macros (all, exists, exists_one, map, filter) are in
scope inside the macro — valid CEL is no longer refused as "unknown variable 'x'" — and only there."""

from __future__ import annotations

import pytest
import yaml

from crmterm.errors import ConfigError
from crmterm.services.directory import config_io
from crmterm.store.db import unit_of_work
from crmterm.workflow import rules
from crmterm.workflow.rule_scopes import free_names
from helpers import ADMIN
from test_cli import cli_on

VALID = [
    "[1].exists_one(x, x == 1)",
    "[1, 2].all(x, x > 0) && [1].exists(y, y == 1)",
    "[1, 2].map(x, x * 2).filter(y, y > 2).size() == 1",
    "[1, 2].map(x, x > 1, x * 10) == [20]",
    "[[1]].all(x, x.all(y, y > 0 && x.size() == 1))",
    "{'a': 1}.exists(k, k == 'a') && size([1].filter(e, e > 0)) == 1",
]


@pytest.mark.parametrize("expression", VALID)
def test_macro_variables_are_in_scope_inside_the_macro(expression):
    assert rules.problems(expression) == []
    assert rules.holds(expression, {}) is True


@pytest.mark.parametrize(("expression", "unknown"), [
    ("[1].exists_one(x, x == 1) && x > 0", "x"),      # used after the macro closed
    ("[1].all(x, x > y)", "y"),                        # never bound
    ("[1].all(x, [2].exists(y, y > x)) || y == 1", "y"),
    ("x.all(x, x > 0)", "x"),                          # the receiver is outside the macro
])
def test_a_macro_variable_is_unknown_outside_its_macro(expression, unknown):
    assert [str(p) for p in rules.problems(expression)] == [
        f"unknown variable '{unknown}' (use {', '.join(rules.VARIABLES)})"]


def test_names_in_strings_fields_and_functions_are_not_variables():
    assert free_names("inquiry.attrs.x == 'y z' && size(inquiry.attrs.items) > 0 && \"a\" in ['a']") == {"inquiry"}
    assert not rules.reads("[1].all(x, x > 0)", "x") and rules.reads("[1].all(x, x > event.n)", "event")


def test_rule_check_and_config_import_accept_macros(demo_url, tmp_path):
    cli = cli_on(demo_url, tmp_path / "home")
    checked = cli("rule", "check", "[1].exists_one(x, x == 1)")
    assert checked.exit_code == 0, checked.output
    refused = cli("rule", "check", "[1].exists_one(x, x == 1) && x == 1")
    assert refused.exit_code == 1 and "unknown variable 'x'" in refused.stderr
    with unit_of_work(demo_url) as session:
        document = config_io.export_config(session=session, actor=ADMIN)
    attribute = next(a for a in document["attributes"] if str(a.get("mandatory")).startswith("inquiry."))
    attribute["mandatory"] = "['a', 'b'].exists(code, code == 'a') && " + attribute["mandatory"]
    route = next(r for r in document["routes"] if any(t.get("guard") for t in r["transitions"]))
    transition = next(t for t in route["transitions"] if t.get("guard"))
    transition["guard"] = "[1, 2].all(n, n > 0) && (" + transition["guard"] + ")"
    path = tmp_path / "macros.yaml"
    path.write_text(yaml.safe_dump({"attributes": [attribute], "routes": [route]}, allow_unicode=True), "utf-8")
    with unit_of_work(demo_url) as session:
        assert config_io.import_file(session=session, actor=ADMIN, path=path).changes == 2
    transition["guard"] = "[1].all(n, n > 0) && n > 0"
    path.write_text(yaml.safe_dump({"routes": [route]}, allow_unicode=True), "utf-8")
    with pytest.raises(ConfigError, match="unknown variable 'n'"), unit_of_work(demo_url) as session:
        config_io.import_file(session=session, actor=ADMIN, path=path)
