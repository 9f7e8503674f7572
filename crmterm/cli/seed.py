"""`crmterm seed demo`."""

from __future__ import annotations

import typer

from crmterm.cli._common import JSON_OPTION, env_of, err, out, print_json
from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.platform import seed as seed_service

app = typer.Typer(help="Load data sets.", no_args_is_help=True)


@app.command("demo")
def demo(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """Load the demo operator's configuration and logins (idempotent)."""
    result = env_of(ctx).call(seed_service.seed_demo)
    if as_json:
        print_json({"changes": result.config.changes, "created": result.config.created,
                    "updated": result.config.updated, "logins": result.logins})
        return
    for line in result.config.summary_lines():
        out.print(line, markup=False)
    out.print(_("Demo logins (login / password): ") + ", ".join(f"{k} / {v}" for k, v in result.logins.items()),
              markup=False)


@app.command("synthetic")
def synthetic(ctx: typer.Context, customers: int = typer.Option(0, "--customers", min=0),
              inquiries: int = typer.Option(0, "--inquiries", min=0,
                                            help="Inquiries on the configured topics and routes (after customers)."),
              seed: int = typer.Option(1, "--seed", help="Random seed: the same seed gives the same data."),
              churn: bool = typer.Option(False, "--churn", help="A hidden churn process: dissatisfied customers "
                                         "ask and complain more and some leave over the past year (to "
                                         "evaluate the churn model on)."),
              as_json: bool = JSON_OPTION) -> None:
    """Bulk synthetic customers (structures 1–8 levels deep, contracts, subscribers) and inquiries, with a
    progress bar."""
    from rich.progress import Progress

    from crmterm.services.platform import synthetic as synthetic_service
    from crmterm.services.platform import synthetic_churn, synthetic_inquiries

    if not customers and not inquiries:
        raise ValidationError(None, _("give --customers and/or --inquiries"))
    env = env_of(ctx)
    result: dict = {}
    with Progress(console=err, transient=True, disable=as_json) as progress:
        if customers:
            task = progress.add_task(_("Customers"), total=customers)
            counts = env.call(synthetic_service.generate, customers=customers, seed=seed,
                              progress=lambda n: progress.advance(task, n))
            result |= {"parties": counts.parties, "structure_links": counts.links, "contracts": counts.contracts,
                       "subscribers": counts.subscribers}
        if inquiries:
            task = progress.add_task(_("Inquiries"), total=inquiries)
            result["inquiries"] = env.call(synthetic_inquiries.generate, inquiries=inquiries, seed=seed,
                                           progress=lambda n: progress.advance(task, n), churn=churn)
        if churn:
            result["left"] = env.call(synthetic_churn.leave, seed=seed)
    if as_json:
        print_json(result)
    else:
        out.print(", ".join(f"{k}: {v}" for k, v in result.items()), markup=False)
