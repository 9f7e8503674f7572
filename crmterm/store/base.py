"""Shared column sets and the metadata naming convention (stable constraint names for Alembic/SQLite batch)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, event
from sqlalchemy.orm import ORMExecuteState, Session
from sqlmodel import Field, SQLModel

from crmterm.store import load_all

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}




# The models load on first use (store/__init__.py), but a write orders tables by their foreign keys, which
# SQLAlchemy resolves by table name: before the first write every table is registered. Reads need only their
# own tables (a join by a foreign key whose target is not loaded skips it).
@event.listens_for(Session, "before_flush")
def _every_table_before_flush(_session: Session, _context: Any, _instances: Any) -> None:
    load_all()


@event.listens_for(Session, "do_orm_execute")
def _every_table_before_a_write(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:  # ORM bulk writes sort tables as a flush does
        load_all()


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
