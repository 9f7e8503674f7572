"""The public knowledge base of the portal: approved articles marked public, searched and ranked exactly as
agents' search ranks them (services/knowledge/kb_search), read by anyone without logging in. Reading counts as
"opened" and "did this help? — yes" as "helpful", which lift the article in everyone's ranking."""

from __future__ import annotations

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.errors import NotFound
from crmterm.i18n import _
from crmterm.services.knowledge import kb_search, kb_usage
from crmterm.services.knowledge.kb_export import markdown_html
from crmterm.services.portal.access import PORTAL
from crmterm.store import KbArticle, KbArticleText

PAGE = 20


class PublicHit(BaseModel):
    slug: str
    lang: str
    title: str
    snippet: str


class PublicArticle(BaseModel):
    slug: str
    lang: str
    title: str
    body_html: str  # rendered Markdown, raw HTML off (services/knowledge/kb_export)
    others: list[str]  # the other languages it is written in


def search(*, session: Session, query: str, lang: str | None = None) -> list[PublicHit]:
    """Public approved articles matching `query`, best first (a few more are asked for: internal ones drop)."""
    hits = kb_search.search(session=session, actor=PORTAL, query=query, lang=lang, limit=PAGE * 3)
    return [PublicHit(slug=h.slug, lang=h.lang, title=h.title, snippet=h.snippet)
            for h in hits if h.visibility == "public"][:PAGE]


def most_used(*, session: Session, lang: str, limit: int = 10) -> list[PublicHit]:
    """What the search page shows before anything is typed."""
    rows = session.exec(select(KbArticle.slug, KbArticleText.lang, KbArticleText.title, KbArticleText.body)
                        .join(KbArticleText, col(KbArticleText.article_id) == KbArticle.id)
                        .where(KbArticle.status == "approved", KbArticle.visibility == "public",
                               KbArticleText.lang == lang)
                        .order_by(col(KbArticle.usage_score).desc(), col(KbArticle.slug)).limit(limit)).all()
    return [PublicHit(slug=slug, lang=language, title=title, snippet=kb_search.snippet(body))
            for slug, language, title, body in rows]


def _public_id(session: Session, slug: str) -> int:
    """The id of the public approved article `slug` (by id afterwards: a slug of digits would read as an id)."""
    row = session.exec(select(KbArticle.id, KbArticle.visibility, KbArticle.status)
                       .where(KbArticle.slug == slug)).first()
    if row is None or (row[1], row[2]) != ("public", "approved"):
        raise NotFound(_("Article"), slug)
    return int(row[0] or 0)


def read(*, session: Session, slug: str, lang: str) -> PublicArticle:
    """The article in `lang` (else another language it has); counts as opened."""
    found = kb_usage.open_article(session=session, actor=PORTAL, key=_public_id(session, slug))
    text = found.text(lang)
    return PublicArticle(slug=found.slug, lang=text.lang, title=text.title, body_html=str(markdown_html(text.body)),
                         others=[t.lang for t in found.texts if t.lang != text.lang])


def helped(*, session: Session, slug: str) -> None:
    """"Did this help? — yes": the article's helpful count."""
    kb_usage.mark_helpful(session=session, actor=PORTAL, key=_public_id(session, slug))
