"""`crmterm churn train | evaluate | score | show | models`: the churn model (services/retention)."""

from __future__ import annotations

from dataclasses import asdict

import typer

from crmterm.cli._common import JSON_OPTION, env_of, err, out, print_json, print_table
from crmterm.cli.sales import day
from crmterm.i18n import _
from crmterm.services.retention import churn, churn_evaluation

app = typer.Typer(no_args_is_help=True, help="Churn risk: train and evaluate the model, score customers, show a "
                  "customer's risk with its reasons.")

UNTIL = typer.Option(None, "--until", help="YYYY-MM-DD: learn from data before this day (default: today).")
HORIZON = typer.Option(churn.HORIZON_DAYS, "--horizon", min=7, max=730, help="Days after which leaving counts.")
ALGORITHM = typer.Option("auto", "--algorithm", help="auto | logistic_regression | weighted_rules.")


@app.command("train")
def train(ctx: typer.Context, until: str = UNTIL, horizon: int = HORIZON, algorithm: str = ALGORITHM,
          as_json: bool = JSON_OPTION) -> None:
    """Learn who leaves from the CRM's own data and store the model as the next version."""
    model = env_of(ctx).call(churn.train, until=day(until, "until"), horizon_days=horizon, algorithm=algorithm)
    if as_json:
        print_json(asdict(model))
        return
    out.print(_("Model {version}: {algorithm}, {customers} customers, {left} left in the {days} days after "
                "{start}").format(version=model.version, algorithm=model.algorithm,
                                  customers=model.metrics["customers"], left=model.metrics["left"],
                                  days=model.metrics["horizon_days"], start=model.metrics["features_as_of"]),
              markup=False)
    out.print(model.metrics["how"], markup=False)


@app.command("evaluate")
def evaluate(ctx: typer.Context,
             until: str = typer.Option(None, "--until", help="YYYY-MM-DD: the cut; training before it, the test "
                                       "after it (default: today minus the horizon)."),
             horizon: int = HORIZON, algorithm: str = ALGORITHM, as_json: bool = JSON_OPTION) -> None:
    """Train before a cut and test on who left after it: ROC AUC, precision at the top 5 %, calibration."""
    found = env_of(ctx).call(churn_evaluation.evaluate, until=day(until, "until"), horizon_days=horizon,
                             algorithm=algorithm)
    if as_json:
        print_json(asdict(found))
        return
    out.print(_("ROC AUC {auc} · precision at the top 5 % {precision} · share that left {base}").format(
        auc=_number(found.roc_auc), precision=_number(found.precision_top5), base=_number(found.base_rate)),
        markup=False)
    out.print(_("Training: {customers} customers, {left} left · test: {tested} customers, {test_left} left").format(
        customers=found.train_customers, left=found.train_left, tested=found.test_customers,
        test_left=found.test_left), markup=False)
    print_table(found.calibration, [("decile", _("Decile")), ("customers", _("Customers")),
                                    ("predicted", _("Predicted")), ("observed", _("Left"))],
                title=_("Calibration"))
    out.print(found.how, markup=False)


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


@app.command("score")
def score(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """Score every current customer with the latest model (weighted rules before any is trained)."""
    from rich.progress import Progress

    env = env_of(ctx)
    total = env.call(churn.count_customers)
    with Progress(console=err, transient=True, disable=as_json) as progress:
        task = progress.add_task(_("Customers"), total=total)
        run = env.call(churn.score, progress=lambda n: progress.advance(task, n))
    if as_json:
        print_json(asdict(run))
        return
    out.print(_("Scored {customers} customers with model {version} ({algorithm}); {high} at high risk").format(
        customers=run.customers, version=run.model_version, algorithm=run.algorithm, high=run.high), markup=False)


@app.command("show")
def show(ctx: typer.Context, customer: int = typer.Argument(..., help="The customer's number."),
         as_json: bool = JSON_OPTION) -> None:
    """CUSTOMER's churn risk with its reasons."""
    found = env_of(ctx).call(churn.risk, party_id=customer)
    if as_json:
        print_json(asdict(found) if found else None)
        return
    if found is None:
        out.print(_("Not scored yet: run `crmterm churn score`"), markup=False)
        return
    out.print(churn.badge(found), markup=False)


@app.command("models")
def models(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """The trained models, newest first."""
    found = env_of(ctx).call(churn.list_models)
    if as_json:
        print_json([asdict(m) for m in found])
        return
    print_table([{"version": m.version, "trained_at": m.trained_at, "until": m.until, "algorithm": m.algorithm,
                  "customers": m.metrics.get("customers"), "left": m.metrics.get("left")} for m in found],
                [("version", _("Version")), ("trained_at", _("Trained")), ("until", _("Until")),
                 ("algorithm", _("Algorithm")), ("customers", _("Customers")), ("left", _("Left"))])
