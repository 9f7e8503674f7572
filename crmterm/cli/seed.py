"""`crmterm seed demo`."""

from __future__ import annotations

import typer

from crmterm.cli._common import JSON_OPTION, env_of, out, print_json
from crmterm.i18n import _
from crmterm.services import seed as seed_service

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
