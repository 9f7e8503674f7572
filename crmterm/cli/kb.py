"""`crmterm kb …`: search and read the knowledge base, import articles from Markdown files, publish the public
ones as a static site, and move articles through their life-cycle (draft → review → approved → retired)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markdown import Markdown

from crmterm.cli._common import JSON_OPTION, env_of, out, print_json, print_table
from crmterm.i18n import _, fmt_datetime
from crmterm.services.knowledge import kb, kb_export, kb_import, kb_search, kb_usage
from crmterm.services.knowledge.kb import ArticleRead, visibility_label
from crmterm.text import visible

app = typer.Typer(no_args_is_help=True, help="Knowledge base: search, read, import, publish, approve.")
VERSION_OPTION = typer.Option(None, "--version", help="Fail if the article changed since this version.")


@app.command("search")
def search(ctx: typer.Context, text: str,
           lang: str = typer.Option(None, "--lang", help="Only this language version (en, ru)."),
           topic: str = typer.Option(None, "--topic", help="Only articles of this topic or group."),
           status: list[str] = typer.Option(None, "--status", help="Editors: these statuses (repeatable)."),
           limit: int = typer.Option(20, "--limit", min=1, max=200), as_json: bool = JSON_OPTION) -> None:
    """Articles matching TEXT, best first: relevance blended with how often agents used them."""
    hits = env_of(ctx).call(kb_search.search, query=text, lang=lang, topic=topic, statuses=status or None,
                            limit=limit)
    if as_json:
        print_json(hits)
        return
    print_table([h.model_dump() | {"score": f"{h.score:.4f}", "status": _(h.status),
                                   "visibility": visibility_label(h.visibility)} for h in hits],
                [("article_id", "#"), ("slug", _("Slug")), ("lang", _("Language")), ("title", _("Title")),
                 ("status", _("Status")), ("visibility", _("Visibility")), ("score", _("Score"))])


def _print(article: ArticleRead, lang: str | None) -> None:
    version = article.text(lang)
    out.print(f"#{article.id} {visible(version.title)}", markup=False, style="bold")
    approved = _("approved by {who} on {when}").format(who=article.approved_by, when=fmt_datetime(
        article.approved_at)) if article.approved_by else _(article.status)
    out.print(" · ".join([article.slug, version.lang, approved, visibility_label(article.visibility)]), markup=False)
    out.print(_("Opened {o}, attached {a}, helpful {h}").format(o=article.opened, a=article.attached,
                                                                 h=article.helpful), markup=False)
    if article.topics or article.products:
        out.print(_("Topics: {t}; products: {p}").format(t=", ".join(article.topics) or "—",
                                                         p=", ".join(article.products) or "—"), markup=False)
    out.print()
    out.print(Markdown(visible(version.body)))


@app.command("show")
def show(ctx: typer.Context, key: str = typer.Argument(..., help="Article id or slug."),
         lang: str = typer.Option(None, "--lang", help="Language version (default: the interface language)."),
         as_json: bool = JSON_OPTION) -> None:
    """An article, its Markdown rendered for the terminal (counts as opened)."""
    found = env_of(ctx).call(kb_usage.open_article, key=key)
    print_json(found) if as_json else _print(found, lang)


@app.command("import")
def import_(ctx: typer.Context, directory: Path = typer.Argument(..., help="Folder of Markdown files."),
            as_json: bool = JSON_OPTION) -> None:
    """Markdown files with YAML front matter; all or nothing, re-import updates by slug."""
    report = env_of(ctx).call(kb_import.import_dir, directory=directory)
    if as_json:
        print_json(report)
        return
    out.print(_("{files} files: {created} created, {updated} updated, {unchanged} unchanged").format(
        **report.model_dump()), markup=False)


@app.command("export-public")
def export_public(ctx: typer.Context, directory: Path = typer.Argument(..., help="Folder for the site."),
                  as_json: bool = JSON_OPTION) -> None:
    """The public, approved articles as a static HTML site (index.html and one page per language version)."""
    report = env_of(ctx).call(kb_export.export_public, directory=directory)
    if as_json:
        print_json(report)
        return
    out.print(_("{articles} articles, {pages} pages written to {directory}").format(**report.model_dump()),
              markup=False)


def _status(ctx: typer.Context, key: str, status: str, version: int | None, as_json: bool) -> None:
    found = env_of(ctx).call(kb.set_status, key=key, status=status, expected_version=version)
    if as_json:
        print_json(found)
        return
    out.print(_("Article {slug} is now {status}").format(slug=found.slug, status=_(found.status)), markup=False)


@app.command("submit")
def submit(ctx: typer.Context, key: str, version: int = VERSION_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Send a draft for review."""
    _status(ctx, key, "review", version, as_json)


@app.command("approve")
def approve(ctx: typer.Context, key: str, version: int = VERSION_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Approve an article: agents find it from now on (records who and when)."""
    _status(ctx, key, "approved", version, as_json)


@app.command("retire")
def retire(ctx: typer.Context, key: str, version: int = VERSION_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Retire an approved article: it disappears from searches and the public site."""
    _status(ctx, key, "retired", version, as_json)


@app.command("helpful")
def helpful(ctx: typer.Context, key: str, as_json: bool = JSON_OPTION) -> None:
    """Mark an article helpful (ranks it higher)."""
    found = env_of(ctx).call(kb_usage.mark_helpful, key=key)
    print_json(found) if as_json else out.print(_("Marked helpful: {slug}").format(slug=found.slug), markup=False)


@app.command("attach")
def attach(ctx: typer.Context, inquiry_id: int, key: str,
           lang: str = typer.Option(None, "--lang", help="Language version to attach."),
           as_json: bool = JSON_OPTION) -> None:
    """Attach an approved article to an inquiry."""
    added = env_of(ctx).call(kb_usage.attach, inquiry_id=inquiry_id, key=key, lang=lang)
    if as_json:
        print_json({"inquiry_id": inquiry_id, "article": key, "attached": added})
        return
    message = _("Article {key} attached to #{n}") if added else _("Article {key} was already attached to #{n}")
    out.print(message.format(key=key, n=inquiry_id), markup=False)
