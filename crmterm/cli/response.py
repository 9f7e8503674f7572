"""`crmterm response …`: the response library — canned answers per topic and language that agents insert
into comments, replies and new inquiries (the TUI's Alt+R picker). Admins add and remove them here, in the
admin screen or with `crmterm config import` (section `responses`)."""

from __future__ import annotations

import typer

from crmterm.cli._common import JSON_OPTION, env_of, out, print_json, print_table, read_input
from crmterm.i18n import _, fmt_datetime
from crmterm.services.knowledge import responses
from crmterm.services.knowledge.responses import ResponseRead
from crmterm.text import visible

app = typer.Typer(no_args_is_help=True, help="Response library: canned answers per topic and language.")


@app.command("list")
def list_(ctx: typer.Context, search: str = typer.Argument("", help="Words the answer holds (any order)."),
          topic: str = typer.Option(None, "--topic", help="This topic's answers (and its groups') first."),
          language: str = typer.Option(None, "--language", help="This language first (default: yours)."),
          active: bool = typer.Option(False, "--active", help="Only active answers."),
          limit: int = typer.Option(50, "--limit", min=1, max=500), as_json: bool = JSON_OPTION) -> None:
    """Answers matching SEARCH: the topic's first, then those for any topic; in each, your language first."""
    found = env_of(ctx).call(responses.list_responses, search=search, topic=topic, language=language,
                             active_only=active, limit=limit)
    if as_json:
        print_json(found)
        return
    print_table([r.model_dump() for r in found],
                [("code", _("Code")), ("label", _("Name")), ("topic", _("Topic")), ("language", _("Language")),
                 ("used_count", _("Used")), ("active", _("Active"))])


@app.command("show")
def show(ctx: typer.Context, code: str,
         inquiry: int = typer.Option(None, "--inquiry", help="Fill the variables in for this inquiry."),
         as_json: bool = JSON_OPTION) -> None:
    """One answer with its template; with --inquiry, also the text as it would be inserted."""
    env = env_of(ctx)
    found = env.call(responses.get_response, code=code)
    filled = env.call(responses.preview, code=code, inquiry_id=inquiry) if inquiry is not None else None
    if as_json:
        print_json(found.model_dump(mode="json") | ({"filled": filled} if filled is not None else {}))
        return
    _print(found)
    if filled is not None:
        out.print()
        out.print(_("Filled in for #{n}:").format(n=inquiry), markup=False, style="bold")
        out.print(visible(filled), markup=False)


def _print(found: ResponseRead) -> None:
    out.print(f"{found.code} · {visible(found.label)}", markup=False, style="bold")
    out.print(" · ".join([found.topic or _("any topic"), found.language,
                          _("active") if found.active else _("inactive")]), markup=False)
    last = fmt_datetime(found.last_used_at) if found.last_used_at else "—"
    out.print(_("Uses: {n}, last: {when}").format(n=found.used_count, when=last), markup=False)
    out.print()
    out.print(visible(found.body), markup=False)


@app.command("add")
def add(ctx: typer.Context, code: str,
        name: str = typer.Option(..., "--name", help="The name agents pick it by (in the answer's language)."),
        text: str = typer.Option(None, "--text", help="The answer; variables: {{ customer }}, {{ inquiry }}, "
                                 "{{ topic }}, {{ deadline }}, {{ agent }}."),
        text_file: str = typer.Option(None, "--text-file", help="Read the answer from FILE (- for stdin)."),
        topic: str = typer.Option(None, "--topic", help="Topic or group code (default: any topic)."),
        language: str = typer.Option("en", "--language", help="Language of the answer (en, ru)."),
        as_json: bool = JSON_OPTION) -> None:
    """Add an answer (admins). An unknown variable or a broken template is refused."""
    if (text is None) == (text_file is None):
        raise typer.BadParameter(_("give either --text or --text-file"))
    body = text if text is not None else read_input(ctx, text_file)
    created = env_of(ctx).call(responses.create_response, values={
        "code": code, "labels": {language: name}, "topic": topic, "language": language, "body": body})
    print_json(created) if as_json else out.print(_("Response {code} added").format(code=created.code),
                                                   markup=False)


@app.command("remove")
def remove(ctx: typer.Context, code: str,
           version: int = typer.Option(None, "--version", help="Fail if the answer changed since this version."),
           as_json: bool = JSON_OPTION) -> None:
    """Delete an answer (admins); texts already inserted stay as they are."""
    env_of(ctx).call(responses.delete_response, code=code, expected_version=version)
    print_json({"removed": code}) if as_json else out.print(_("Response {code} removed").format(code=code),
                                                             markup=False)
