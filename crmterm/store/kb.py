"""Knowledge base: articles (life-cycle, visibility, usage), their language versions, topic links, and the
articles attached to inquiries. The full-text index over the language versions is backend-specific and lives
in store/kb_search.py (FTS5 on SQLite, a tsvector column with a GIN index on PostgreSQL)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from crmterm.i18n import N_
from crmterm.store.base import Versioned, utcnow

# N_: the screens show a status through _(status); the marks let the catalogue extractor see them.
KB_STATUSES = (N_("draft"), N_("review"), N_("approved"), N_("retired"))
KB_VISIBILITIES = ("internal", "public")
KB_LANGUAGES = ("en", "ru")


class KbArticle(Versioned, table=True):
    """`usage_score` = ln(1 + opened + 3·attached + 5·helpful), kept with the counters so a search ranks by
    relevance × (1 + usage_score) without aggregating usage rows (services/knowledge/kb_search)."""

    __tablename__ = "kb_article"
    __table_args__ = (UniqueConstraint("slug"), Index("ix_kb_article_status_usage", "status", "usage_score"))
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=100, nullable=False)
    status: str = Field(default="draft", max_length=16, nullable=False)  # KB_STATUSES
    visibility: str = Field(default="internal", max_length=16, nullable=False)  # KB_VISIBILITIES
    products: list = Field(default_factory=list, sa_type=JSON, nullable=False)  # service / tariff codes
    created_by: str = Field(max_length=64, nullable=False)
    approved_by: str | None = Field(default=None, max_length=64)
    approved_at: datetime | None = None
    opened: int = Field(default=0, nullable=False)
    attached: int = Field(default=0, nullable=False)
    helpful: int = Field(default=0, nullable=False)
    usage_score: float = Field(default=0.0, nullable=False)


class KbArticleText(SQLModel, table=True):
    """One language version. `keywords` are space-separated words the index weighs above the body."""

    __tablename__ = "kb_article_text"
    __table_args__ = (UniqueConstraint("article_id", "lang"),)
    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="kb_article.id", nullable=False)
    lang: str = Field(max_length=8, nullable=False)  # KB_LANGUAGES
    title: str = Field(max_length=200, nullable=False)
    body: str = Field(default="", sa_type=Text, nullable=False)  # Markdown
    keywords: str = Field(default="", max_length=1000, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, nullable=False)


class KbArticleTopic(SQLModel, table=True):
    """An article applies to this topic or group and everything below it."""

    __tablename__ = "kb_article_topic"
    article_id: int = Field(foreign_key="kb_article.id", primary_key=True)
    topic_id: int = Field(foreign_key="topic.id", primary_key=True, index=True)


class InquiryArticle(SQLModel, table=True):
    """An article an agent attached to an inquiry. No foreign key to `inquiry`: like problem links, the
    attachment outlives the inquiry's move to the archive."""

    __tablename__ = "inquiry_article"
    inquiry_id: int = Field(primary_key=True)
    article_id: int = Field(foreign_key="kb_article.id", primary_key=True, index=True)
    lang: str = Field(max_length=8, nullable=False)
    attached_by: str = Field(max_length=64, nullable=False)
    attached_at: datetime = Field(default_factory=utcnow, nullable=False)
