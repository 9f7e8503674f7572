"""`crmterm script …` commands: validate a file, list, publish, import/export, and run one in the terminal."""

from __future__ import annotations

from pathlib import Path

import typer

from crmterm.cli._common import JSON_OPTION, env_of, err, input_path, out, print_json, print_table
from crmterm.i18n import _, current_language
from crmterm.services.directory import yaml_lines
from crmterm.services.knowledge import script_admin, script_runs, scripts
from crmterm.services.topics.attribute_values import BadValue
from crmterm.workflow.script_walk import decide
from crmterm.workflow.scripts import Capture, Question, Statement, text_of

app = typer.Typer(no_args_is_help=True, help="Branching scripts: validate, list, publish, import, export, run.")


@app.command("validate")
def validate(ctx: typer.Context, file: Path = typer.Argument(..., help="Script YAML (one script or `scripts:`).")):
    """Check FILE: one line per problem on stderr (exit 1), else "ok"."""
    env = env_of(ctx)
    found = [problem for raw in scripts.documents_in(input_path(ctx, file))
             for problem in env.call(scripts.check, raw=raw)]
    for problem in found:
        err.print(str(problem), markup=False)
    if found:
        raise typer.Exit(1)
    out.print("ok")


@app.command("list")
def list_scripts(ctx: typer.Context, as_json: bool = JSON_OPTION):
    """Every script version."""
    found = env_of(ctx).call(scripts.list_scripts)
    rows = [{"code": s.code, "number": s.number, "status": s.status, "name": s.label, "topics": s.topics}
            for s in found]
    if as_json:
        print_json(rows)
        return
    print_table(rows, [("code", _("Code")), ("number", _("Version")), ("status", _("Status")),
                       ("name", _("Name")), ("topics", _("Topics"))])


@app.command("publish")
def publish(ctx: typer.Context, code: str, number: int = typer.Option(None, "--version", help="Version number.")):
    """Publish the newest draft of CODE (or --version N); the previous published version retires."""
    done = env_of(ctx).call(script_admin.publish, code=code, number=number, source="cli")
    out.print(_("{code} v{n} published").format(code=done.code, n=done.number))


@app.command("import")
def import_file(ctx: typer.Context, file: Path, draft: bool = typer.Option(False, "--draft",
                                                                           help="Keep as a draft.")):
    """Import scripts from FILE; a changed script becomes a new (published) version."""
    env = env_of(ctx)
    for raw in scripts.documents_in(input_path(ctx, file)):
        outcome = env.call(script_admin.import_script, raw=raw, publish_it=not draft, source="cli")
        out.print(f"{raw.get('code')}: {outcome}", markup=False)


@app.command("export")
def export(ctx: typer.Context, code: str, target: Path = typer.Option(None, "--out", help="File (else stdout).")):
    """Write the published (else newest) version of CODE as YAML."""
    documents = env_of(ctx).call(script_admin.export_documents, code=code)
    text = yaml_lines.dump(documents[0])
    if target is None:
        typer.echo(text, nl=False)
    else:
        target.write_text(text, encoding="utf-8")


@app.command("run")
def run(ctx: typer.Context, code: str, inquiry: int = typer.Option(None, "--inquiry",
                                                                    help="Save the run on this inquiry.")):
    """Walk CODE in the terminal: numbers choose answers, b goes back."""
    env = env_of(ctx)
    spec = env.call(scripts.prepare_run, code=code, inquiry_id=inquiry)
    walk, lang = spec.walk(), current_language()
    out.print(f"{spec.script.label} v{spec.script.number}", markup=False)
    while not walk.finished:
        _step(spec, walk, lang)
    out.print(text_of(walk.node.text, lang, spec.document.languages), markup=False)
    decision = decide(walk)
    out.print(_("score {score}, outcome {outcome}").format(score=walk.score, outcome=walk.outcome), markup=False)
    for kind, label, value in (("priority", _("Priority"), decision.priority), ("queue", _("Queue"), decision.queue),
                               ("topic", _("Suggested topic"), decision.topic)):
        if value:  # names, as the TUI's runner shows them; the saved run keeps the codes
            out.print(f"{label}: {spec.name_of(kind, value)}", markup=False)
    if inquiry is not None:
        env.call(script_runs.save_run, inquiry_id=inquiry, script_id=spec.script.id,
                 choices=scripts.choices_as_text(walk))
        out.print(_("saved on inquiry {n}").format(n=inquiry))


def _step(spec: scripts.RunSpec, walk, lang: str) -> None:
    node = walk.node
    out.print("\n" + text_of(node.text, lang, spec.document.languages), markup=False)  # the text, not the node's id
    if isinstance(node, Question):
        for number, answer in enumerate(node.answers, 1):
            out.print(f"  {number}. " + text_of(answer.text, lang, spec.document.languages), markup=False)
    field = spec.field_of(node) if isinstance(node, Capture) else None
    for number, (_code, label) in enumerate(field.choices if field else (), 1):
        out.print(f"  {number}. {label}", markup=False)
    reply = typer.prompt(">", default="" if not isinstance(node, Question) else None, show_default=False)
    if reply.strip().lower() == "b":
        walk.back()
        return
    try:
        if isinstance(node, Question):
            walk.answer(int(reply))
        elif isinstance(node, Statement):
            walk.proceed()
        else:
            walk.capture(scripts.typed_capture(field, reply))
    except (ValueError, BadValue) as error:
        err.print(_("error: {message}").format(message=error), markup=False)
