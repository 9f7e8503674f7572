"""Knowledge-base articles: write a language version (creating the article on first write), read one, move it
through its life-cycle draft → review → approved → retired. Editors (KB_EDIT) write and see every article;
approvers (KB_APPROVE) approve and retire; everyone else reads approved articles only. Search is
services/knowledge/kb_search, usage and inquiry attachments services/knowledge/kb_usage. The caller owns the
transaction."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete
from sqlmodel import Session, col, select

from crmterm.errors import Conflict, NotFound, ValidationError, refuse_control
from crmterm.i18n import N_, _, current_language
from crmterm.services.accounts import audit
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.accounts.stale import changed_by
from crmterm.store import KbArticle, KbArticleText, KbArticleTopic, Topic, utcnow
from crmterm.store.kb import KB_LANGUAGES, KB_STATUSES, KB_VISIBILITIES
from crmterm.store.tables import id_column, saved_id
from crmterm.store.versioning import claim_version

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
# Which status may follow which; approving straight from a draft is allowed (a supervisor writing their own).
TRANSITIONS = {"draft": {"review", "approved"}, "review": {"draft", "approved"}, "approved": {"retired"},
               "retired": {"draft"}}


VISIBILITY_LABELS = {"internal": N_("internal"), "public": N_("public")}  # KB_VISIBILITIES, as people read them


def visibility_label(visibility: str) -> str:
    return _(VISIBILITY_LABELS[visibility]) if visibility in VISIBILITY_LABELS else visibility


class ArticleDraft(BaseModel):
    """One language version as an editor writes it, with the fields the whole article shares."""

    model_config = ConfigDict(extra="forbid")
    slug: str
    lang: str = "en"
    title: str
    body: str = ""
    keywords: list[str] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)  # topic or group codes
    products: list[str] = Field(default_factory=list)  # service / tariff codes
    visibility: str = "internal"


class ArticleText(BaseModel):
    lang: str
    title: str
    body: str
    keywords: str


class ArticleRead(BaseModel):
    id: int
    slug: str
    status: str
    visibility: str
    products: list[str]
    topics: list[str]
    created_by: str
    approved_by: str | None
    approved_at: datetime | None
    opened: int
    attached: int
    helpful: int
    usage_score: float
    version: int
    texts: list[ArticleText]

    def text(self, lang: str | None = None) -> ArticleText:
        """The version in `lang` (else the UI language, else English, else the first)."""
        by_lang = {t.lang: t for t in self.texts}
        for wanted in (lang, current_language(), "en"):
            if wanted in by_lang:
                return by_lang[wanted]
        return self.texts[0]


def is_editor(actor: Actor) -> bool:
    return actor.can(Permission.KB_EDIT)


def require_reader(actor: Actor | None) -> Actor:
    if actor is not None and actor.can(Permission.DIRECTORY_READ):
        return actor
    return require(actor, Permission.INQUIRIES_READ)


def load(session: Session, article_id: int) -> KbArticle:
    article = session.exec(select(KbArticle).where(KbArticle.id == article_id)
                           .execution_options(populate_existing=True)).first()
    if article is None:
        raise NotFound(_("Article"), article_id)
    return article


def find_id(session: Session, key: str | int) -> int:
    """An article's id from its id or slug."""
    if isinstance(key, int) or str(key).isdecimal():
        return int(key)
    found = session.exec(select(KbArticle.id).where(KbArticle.slug == key)).first()
    if found is None:
        raise NotFound(_("Article"), key)
    return found


def read(session: Session, article: KbArticle) -> ArticleRead:
    texts = session.exec(select(KbArticleText).where(KbArticleText.article_id == article.id)
                         .order_by(KbArticleText.lang)).all()
    topics = session.exec(select(Topic.code).join(KbArticleTopic, col(KbArticleTopic.topic_id) == Topic.id)
                          .where(KbArticleTopic.article_id == article.id).order_by(Topic.code)).all()
    return ArticleRead(**article.model_dump(exclude={"created_at", "updated_at", "updated_by"}), topics=list(topics),
                       texts=[ArticleText.model_validate(t, from_attributes=True) for t in texts])


def get_article(*, session: Session, actor: Actor, key: str | int) -> ArticleRead:
    """An article by id or slug; one that is not approved is hidden from everyone but editors."""
    require_reader(actor)
    article = load(session, find_id(session, key))
    if article.status != "approved" and not is_editor(actor):
        raise NotFound(_("Article"), key)
    return read(session, article)


def save_article(*, session: Session, actor: Actor, draft: ArticleDraft, expected_version: int | None = None,
                 source: str = "cli") -> ArticleRead:
    """Create the article or update it (by slug) and write its `draft.lang` version. A change by someone who
    may not approve sends an approved article back to review."""
    require(actor, Permission.KB_EDIT)
    check_draft(draft)
    topic_ids = topic_ids_of(session, draft.topics)
    article = session.exec(select(KbArticle).where(KbArticle.slug == draft.slug)).first()
    before = read(session, article).model_dump(mode="json") if article else None
    if article is None:
        article = KbArticle(slug=draft.slug, created_by=actor.login, updated_by=actor.login)
        session.add(article)
    elif not claim_version(session, KbArticle, saved_id(article),
                           article.version if expected_version is None else expected_version, actor.login):
        session.refresh(article)
        raise changed_by(_("Article {slug}").format(slug=draft.slug), article)
    else:
        session.refresh(article)
    article.visibility, article.products = draft.visibility, sorted(set(draft.products))
    if article.status == "approved" and not actor.can(Permission.KB_APPROVE):
        article.status = "review"
    session.flush()
    article_id = saved_id(article)
    _write_text(session, article_id, draft)
    session.execute(delete(KbArticleTopic).where(col(KbArticleTopic.article_id) == article_id))
    session.add_all(KbArticleTopic(article_id=article_id, topic_id=t) for t in topic_ids)
    session.flush()
    after = read(session, article)
    audit.record(session, actor, "update" if before else "create", "kb_articles", draft.slug, before=before,
                 after=after.model_dump(mode="json"), source=source)
    return after


def _write_text(session: Session, article_id: int, draft: ArticleDraft) -> None:
    found = session.exec(select(KbArticleText).where(KbArticleText.article_id == article_id,
                                                     KbArticleText.lang == draft.lang)).first()
    found = found or KbArticleText(article_id=article_id, lang=draft.lang, title=draft.title.strip())
    found.title, found.body, found.updated_at = draft.title.strip(), draft.body, utcnow()
    found.keywords = " ".join(dict.fromkeys(k.strip() for k in draft.keywords if k.strip()))
    session.add(found)


def check_draft(draft: ArticleDraft) -> None:
    """Field checks that need no database (the import checks every file with them before writing any)."""
    if not SLUG.match(draft.slug):
        raise ValidationError("slug", _("lower-case letters, digits, '-' and '_', at most 100"))
    if draft.lang not in KB_LANGUAGES:
        raise ValidationError("lang", _("one of {values}").format(values=", ".join(KB_LANGUAGES)))
    if draft.visibility not in KB_VISIBILITIES:
        raise ValidationError("visibility", _("one of {values}").format(values=", ".join(KB_VISIBILITIES)))
    if not draft.title.strip() or len(draft.title.strip()) > 200:
        raise ValidationError("title", _("required, at most 200 characters"))
    texts = {"title": draft.title, "body": draft.body, "keywords": " ".join(draft.keywords),
             "products": " ".join(draft.products), "topics": " ".join(draft.topics)}
    refuse_control("title", draft.title)
    for field, value in texts.items():
        refuse_control(field, value, multiline=True)


def topic_ids_of(session: Session, codes: list[str]) -> list[int]:
    if not codes:
        return []
    found = dict(session.exec(select(Topic.code, id_column(Topic)).where(col(Topic.code).in_(codes))).all())
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationError("topics", _("unknown topic {code}").format(code=", ".join(missing)))
    return sorted(set(found.values()))


def set_status(*, session: Session, actor: Actor, key: str | int, status: str,
               expected_version: int | None = None, source: str = "cli") -> ArticleRead:
    """Move an article along its life-cycle; approving records who and when."""
    require(actor, Permission.KB_EDIT)  # every status change needs it; before the status or article is checked
    if status not in KB_STATUSES:
        raise ValidationError("status", _("one of {values}").format(values=", ".join(KB_STATUSES)))
    require(actor, Permission.KB_APPROVE if status in ("approved", "retired") else Permission.KB_EDIT)
    article = load(session, find_id(session, key))
    if status not in TRANSITIONS[article.status]:
        raise Conflict(_("article {slug} is {now}: it cannot become {status}").format(
            slug=article.slug, now=article.status, status=status))
    before = {"status": article.status, "version": article.version}
    if not claim_version(session, KbArticle, saved_id(article),
                         article.version if expected_version is None else expected_version, actor.login):
        session.refresh(article)
        raise changed_by(_("Article {slug}").format(slug=article.slug), article)
    session.refresh(article)
    article.status = status
    if status == "approved":
        article.approved_by, article.approved_at = actor.login, utcnow()
    session.add(article)
    session.flush()
    audit.record(session, actor, status, "kb_articles", article.slug, before=before,
                 after={"status": status, "version": article.version}, source=source)
    return read(session, article)
