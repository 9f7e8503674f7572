"""How agents use the knowledge base: an article opened, attached to an inquiry (shown in the inquiry and its
timeline), marked helpful. Each use bumps a counter and the article's usage_score, which ranks it higher
(services/knowledge/kb_search). The caller owns the transaction."""

from __future__ import annotations

import math
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import update
from sqlmodel import Session, col, select

from crmterm.errors import Conflict, NotFound
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.inquiries import inquiry_log
from crmterm.services.knowledge.kb import ArticleRead, get_article, load, read, require_reader
from crmterm.store import Inquiry, InquiryArticle, KbArticle, KbArticleText

WEIGHTS = {"opened": 1, "attached": 3, "helpful": 5}


def usage_score(opened: int, attached: int, helpful: int) -> float:
    return math.log1p(opened * WEIGHTS["opened"] + attached * WEIGHTS["attached"] + helpful * WEIGHTS["helpful"])


def _bump(session: Session, article_id: int, counter: str) -> None:
    """One atomic increment (concurrent agents never lose a count), then the score from the new counts —
    on PostgreSQL the row stays locked by the increment until the transaction ends."""
    column = getattr(KbArticle, counter)
    session.execute(update(KbArticle).where(col(KbArticle.id) == article_id).values({column: column + 1})
                    .execution_options(synchronize_session=False))
    counts = session.exec(select(KbArticle.opened, KbArticle.attached, KbArticle.helpful)
                           .where(KbArticle.id == article_id)).one()
    session.execute(update(KbArticle).where(col(KbArticle.id) == article_id)
                    .values(usage_score=usage_score(*counts)).execution_options(synchronize_session=False))


def open_article(*, session: Session, actor: Actor, key: str | int) -> ArticleRead:
    """Read an article for a customer: counts as opened (editors reviewing unapproved ones do not count)."""
    found = get_article(session=session, actor=actor, key=key)
    if found.status != "approved":
        return found
    _bump(session, found.id, "opened")
    return read(session, load(session, found.id))


def mark_helpful(*, session: Session, actor: Actor, key: str | int) -> ArticleRead:
    found = get_article(session=session, actor=actor, key=key)
    if found.status != "approved":
        raise Conflict(_("only approved articles can be marked helpful"))
    _bump(session, found.id, "helpful")
    return read(session, load(session, found.id))


class AttachedArticle(BaseModel):
    article_id: int
    slug: str
    lang: str
    title: str
    attached_by: str
    attached_at: datetime


def attach(*, session: Session, actor: Actor, inquiry_id: int, key: str | int, lang: str | None = None) -> bool:
    """Attach an approved article to an inquiry (False when it already was); the inquiry's timeline says so."""
    require(actor, Permission.INQUIRIES_WRITE)
    article = get_article(session=session, actor=actor, key=key)
    if article.status != "approved":
        raise Conflict(_("only approved articles can be attached"))
    if session.exec(select(Inquiry.id).where(Inquiry.id == inquiry_id)).first() is None:
        raise NotFound(_("Inquiry"), inquiry_id)
    if session.get(InquiryArticle, (inquiry_id, article.id)) is not None:
        return False
    version = article.text(lang)
    session.add(InquiryArticle(inquiry_id=inquiry_id, article_id=article.id, lang=version.lang,
                               attached_by=actor.login))
    _bump(session, article.id, "attached")
    inquiry_log.record(session, inquiry_id, actor, "kb_attached", text=version.title,
                       data={"article_id": article.id, "slug": article.slug, "lang": version.lang})
    session.flush()
    return True


def attached_to(*, session: Session, actor: Actor, inquiry_id: int) -> list[AttachedArticle]:
    """The articles attached to an inquiry, in the language each was attached in, oldest first."""
    require_reader(actor)
    rows = session.exec(
        select(InquiryArticle, KbArticle.slug, KbArticleText.title)
        .join(KbArticle, col(KbArticle.id) == InquiryArticle.article_id)
        .join(KbArticleText, (col(KbArticleText.article_id) == InquiryArticle.article_id)
              & (KbArticleText.lang == InquiryArticle.lang), isouter=True)
        .where(InquiryArticle.inquiry_id == inquiry_id)
        .order_by(col(InquiryArticle.attached_at), col(InquiryArticle.article_id))).all()
    return [AttachedArticle(article_id=link.article_id, slug=slug, lang=link.lang, title=title or slug,
                            attached_by=link.attached_by, attached_at=link.attached_at)
            for link, slug, title in rows]
