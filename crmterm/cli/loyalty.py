"""`crmterm loyalty apply [--dry-run] [--loop HOURS]`: put customers in the client category of the loyalty tier
they meet (config section `loyalty_tiers`; services/retention/loyalty), each change in the customer's history.
Run it nightly from cron or with --loop like the other jobs."""

from __future__ import annotations

import time

import typer

from crmterm.cli._common import JSON_OPTION, env_of, out, print_json, print_table
from crmterm.i18n import _
from crmterm.services.retention import loyalty
from crmterm.services.retention.loyalty import LoyaltyRun

app = typer.Typer(no_args_is_help=True, help="Loyalty tiers mapped to client categories.")


def _show(run: LoyaltyRun, as_json: bool) -> None:
    if as_json:
        print_json(run)
        return
    print_table([c.model_dump() | {"old": c.old or "—"} for c in run.changes],
                [("party_id", "#"), ("customer", _("Customer")), ("tier", _("Tier")), ("old", _("Was")),
                 ("new", _("Becomes"))])
    line = _("{n} of {m} customers change category") if run.applied else \
        _("{n} of {m} customers would change category (dry run)")
    out.print(line.format(n=len(run.changes), m=run.checked), markup=False)


@app.command("apply")
def apply(ctx: typer.Context, dry_run: bool = typer.Option(False, "--dry-run", help="Only say what would change."),
          loop: float = typer.Option(None, "--loop", min=0.01, metavar="HOURS",
                                     help="Keep running: a pass every HOURS."),
          as_json: bool = JSON_OPTION) -> None:
    """Compute each customer's tier and map it to their client category."""
    env = env_of(ctx)
    try:
        while True:
            _show(env.call(loyalty.apply_tiers, dry_run=dry_run), as_json)
            if loop is None:
                return
            time.sleep(loop * 3600)
    except KeyboardInterrupt:
        return
