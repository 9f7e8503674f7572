"""`crmterm config export FILE | import FILE [--dry-run]`."""

from __future__ import annotations

from pathlib import Path

import typer

from crmterm.cli._common import JSON_OPTION, env_of, input_path, out, print_json
from crmterm.i18n import _
from crmterm.services.directory import config_io

app = typer.Typer(help="All admin configuration as YAML (config as code).", no_args_is_help=True)


@app.command("export")
def export(ctx: typer.Context, file: Path = typer.Argument(..., help="YAML file to write."),
           as_json: bool = JSON_OPTION) -> None:
    """Write all admin configuration to FILE."""
    count = env_of(ctx).call(config_io.write_export, path=file)
    if as_json:
        print_json({"file": str(file), "entries": count})
    else:
        out.print(_("Exported {n} entries to {file}").format(n=count, file=file), markup=False)


@app.command("import")
def import_(ctx: typer.Context, file: Path = typer.Argument(..., help="YAML file to read."),
            dry_run: bool = typer.Option(False, "--dry-run", help="Validate and report; change nothing."),
            as_json: bool = JSON_OPTION) -> None:
    """Validate FILE whole, then apply it in one transaction (entries not in FILE are kept)."""
    env = env_of(ctx)
    input_path(ctx, file)

    def work(session, actor):
        result = config_io.import_file(session=session, actor=actor, path=file, source="import")
        if dry_run:
            session.rollback()  # validated and applied inside the transaction, then thrown away
        return result

    result = env.run(work)
    if as_json:
        print_json({"dry_run": dry_run, "changes": result.changes, "created": result.created,
                    "updated": result.updated, "unchanged": result.unchanged})
        return
    for line in result.summary_lines():
        out.print(line, markup=False)
    if dry_run:
        out.print(_("Dry run: nothing was changed."), markup=False)
