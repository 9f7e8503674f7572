"""Shared column sets and the metadata naming convention (stable constraint names for Alembic/SQLite batch)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Aware UTC; SQLModel's UTCDateTime stores UTC on both backends and returns aware values."""
    return datetime.now(UTC)


class Versioned(SQLModel):
    """Every editable row: optimistic version plus who changed it last and when."""

    version: int = Field(default=1, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, nullable=False)
    updated_by: str | None = Field(default=None, max_length=64)


class Labelled(SQLModel):
    """A coded entry with labels in several languages ({"en": …, "ru": …}), ordered and deactivatable."""

    code: str = Field(max_length=64, nullable=False)
    labels: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)
    active: bool = Field(default=True, nullable=False)
    sort_order: int = Field(default=0, nullable=False)
