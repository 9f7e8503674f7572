"""`crmterm kb export-public DIR`: the public, approved articles as a static self-service site — index.html
and one page per language version (`<slug>.<lang>.html`), from crmterm/templates/kb/page.html.j2.

Safety: the template autoescapes everything; the Markdown body is rendered by markdown-it-py (Rich's own
Markdown parser, already installed) in CommonMark mode with raw HTML disabled, so `<script>` in an article is
text, and markdown-it's link check refuses javascript:, vbscript:, file: and data: links. Only that rendered
body is marked safe.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup
from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.i18n import _, fmt_date, language_name
from crmterm.services.accounts import audit
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.store import KbArticle, KbArticleText

TEMPLATE = "kb/page.html.j2"


class ExportReport(BaseModel):
    directory: str
    articles: int
    pages: int


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("crmterm", "templates"), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")


def markdown_html(body: str) -> Markup:
    return Markup(_markdown().render(body))  # noqa: S704 - raw HTML is off in the parser (module docstring)


def export_public(*, session: Session, actor: Actor, directory: Path, source: str = "cli") -> ExportReport:
    """Write the site into `directory` (created if needed); existing pages of the same names are replaced."""
    require(actor, Permission.KB_APPROVE)
    rows = session.exec(select(KbArticle.slug, KbArticleText)
                        .join(KbArticleText, col(KbArticleText.article_id) == KbArticle.id)
                        .where(KbArticle.status == "approved", KbArticle.visibility == "public")
                        .order_by(KbArticleText.lang, KbArticleText.title, KbArticle.slug)).all()
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    template = _environment().get_template(TEMPLATE)
    langs: dict[str, list[str]] = {}
    for slug, version in rows:
        langs.setdefault(slug, []).append(version.lang)
    for slug, version in rows:
        others = [{"href": f"{slug}.{lang}.html", "lang": lang, "label": language_name(lang)}
                  for lang in langs[slug] if lang != version.lang]
        page = template.render(index=False, lang=version.lang, title=version.title, back=_("All articles"),
                               body=markdown_html(version.body), keywords=version.keywords, others=others,
                               updated=_("Updated {date}").format(date=fmt_date(version.updated_at.date())))
        (target / f"{slug}.{version.lang}.html").write_text(page, encoding="utf-8")
    sections: dict[str, dict] = {}
    for slug, version in rows:
        sections.setdefault(version.lang, {"lang": version.lang, "label": language_name(version.lang),
                                           "pages": []})["pages"].append(
            {"href": f"{slug}.{version.lang}.html", "title": version.title})
    index = template.render(index=True, lang="en", title=_("Help articles"), sections=list(sections.values()))
    (target / "index.html").write_text(index, encoding="utf-8")
    audit.record(session, actor, "export", "kb_articles", "public",
                 after={"directory": str(target), "pages": len(rows)}, source=source)
    return ExportReport(directory=str(target), articles=len(langs), pages=len(rows))
