"""`crmterm note add | list | search`: notes on customers, subscribers, contact persons, contracts and inquiries."""

from __future__ import annotations

import typer

from crmterm.cli._common import JSON_OPTION, env_of, out, print_json, print_table
from crmterm.i18n import _, fmt_datetime
from crmterm.services.customers import notes

app = typer.Typer(help="Notes on customers, subscribers, contact persons, contracts and inquiries.",
                  no_args_is_help=True)
_KIND = typer.Argument(..., help="customer | subscriber | contact_person | contract | inquiry")


def _table(found: list[notes.NoteRead], as_json: bool) -> None:
    if as_json:
        print_json(found)
        return
    rows = [{"id": n.id, "on": f"{n.entity} {n.entity_id}", "at": fmt_datetime(n.at), "author": n.author,
             "public": _("public") if n.public else _("internal"), "text": n.text} for n in found]
    print_table(rows, [("id", "#"), ("on", _("On")), ("at", _("When")), ("author", _("Who")),
                       ("public", _("Seen by")), ("text", _("Note"))])


@app.command("add")
def add(ctx: typer.Context, kind: str = _KIND, target_id: int = typer.Argument(..., metavar="ID"),
        text: str = typer.Argument(...), public: bool = typer.Option(False, "--public",
                                                                    help="The customer may see it (portal)."),
        as_json: bool = JSON_OPTION) -> None:
    """Add a note (internal unless --public) to KIND ID."""
    added = env_of(ctx).call(notes.add_note, kind=kind, target_id=target_id, text=text, public=public, source="cli")
    print_json(added) if as_json else out.print(_("Note {id} added").format(id=added.id), markup=False)


@app.command("list")
def list_(ctx: typer.Context, kind: str = _KIND, target_id: int = typer.Argument(..., metavar="ID"),
          as_json: bool = JSON_OPTION) -> None:
    """The notes on KIND ID, newest first."""
    _table(env_of(ctx).call(notes.list_notes, kind=kind, target_id=target_id), as_json)


@app.command("search")
def search(ctx: typer.Context, words: list[str] = typer.Argument(..., help="Every word must occur."),
           limit: int = typer.Option(50, "--limit"), as_json: bool = JSON_OPTION) -> None:
    """Notes holding all WORDS (case and accents ignored), newest first."""
    _table(env_of(ctx).call(notes.search_notes, words=" ".join(words), limit=limit), as_json)
