"""`crmterm route validate FILE` and `crmterm route show CODE`."""

from __future__ import annotations

import typer

from crmterm.cli._common import JSON_OPTION, env_of, err, input_path, out, print_json
from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.routing import routes

app = typer.Typer(help="Routes: validate a route file, show a route with its revisions.", no_args_is_help=True)


@app.command("validate")
def validate(ctx: typer.Context, file: str, as_json: bool = JSON_OPTION) -> None:
    """Check every route in a YAML file (a config file's `routes:` section, or one route): structure,
    unreachable steps, dead ends, rules, and queues/attributes against the database and the file."""
    found = env_of(ctx).call(routes.validate_file, path=str(input_path(ctx, file)))
    if as_json:
        print_json(found)
    else:
        for problem in found:
            err.print(f"{problem.file}:{problem.line}: {problem.route}: {problem.message}", markup=False)
        if not found:
            out.print(_("{file}: routes are valid").format(file=file), markup=False)
    if found:
        raise typer.Exit(1)


@app.command("show")
def show(ctx: typer.Context, code: str, as_json: bool = JSON_OPTION) -> None:
    """A route: its steps, transitions, a text diagram and the revisions inquiries run on."""
    found = env_of(ctx).call(routes.show_route, code=code)
    if as_json:
        print_json(found)
        return
    out.print(_("{code} — {label} (revision {n})").format(code=found.code, label=found.label,
                                                        n=found.current_revision or "—"), markup=False)
    out.print(_("Topics: {t}").format(t=", ".join(found.topics) or "—"), markup=False)
    for line in found.diagram:
        out.print(line, markup=False)
    if not found.diagram:
        raise ValidationError(None, _("route '{code}' has no steps").format(code=code))
