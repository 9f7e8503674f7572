"""`crmterm churn train | evaluate | score | show | models` through Typer's runner on both databases (issue 29):
JSON out, one-line errors, the role enforced."""

from __future__ import annotations

import json

from conftest import owner_url
from test_cli import cli_on, runner

from crmterm.cli import app


def test_train_score_show_and_models(demo_url, tmp_path):
    cli = cli_on(demo_url, tmp_path / "home")
    trained = cli("churn", "train", "--json")
    assert trained.exit_code == 0, trained.output
    model = json.loads(trained.stdout)
    # the demo has no inquiry history: nobody left, so nothing to learn from, and the weighted rules say why
    assert model["version"] == 1 and model["algorithm"] == "weighted_rules"
    assert "no customer left" in model["metrics"]["how"]
    scored = cli("churn", "score")
    assert scored.exit_code == 0 and "with model 1 (weighted_rules)" in scored.stdout
    listed = json.loads(cli("churn", "models", "--json").stdout)
    assert [m["version"] for m in listed] == [1]
    shown = json.loads(cli("churn", "show", "1", "--json").stdout)
    assert shown["model_version"] == 1 and shown["level"] == "low"
    evaluated = cli("churn", "evaluate")
    assert evaluated.exit_code == 0 and "ROC AUC —" in evaluated.stdout and "hold-out" in evaluated.stdout


def test_errors_are_one_line_and_the_role_is_enforced(demo_url, tmp_path):
    cli = cli_on(demo_url, tmp_path / "home")
    bad = cli("churn", "train", "--until", "yesterday")
    assert bad.exit_code == 1 and bad.stderr.startswith("error:") and bad.stderr.count("\n") == 1
    wrong = cli("churn", "train", "--algorithm", "forest")
    assert wrong.exit_code == 1 and "expected auto" in wrong.stderr
    env = {"CRMTERM_HOME": str(tmp_path / "home"), "CRMTERM_USER": "agent", "CRMTERM_PASSWORD": "agent"}
    denied = runner.invoke(app, ["--db", owner_url(demo_url), "churn", "score"], env=env)
    assert denied.exit_code == 1 and "may not" in denied.stderr
    shown = runner.invoke(app, ["--db", owner_url(demo_url), "churn", "show", "40"], env=env)
    assert shown.exit_code == 0 and shown.stdout.startswith("Churn risk high (71 %): complaints in the last 30 days")
