"""Query lists an admin defines: a named, declarative list over crmterm's own data (a customer's subscribers,
contracts, open inquiries …) that fills a `query` attribute. Only the shape is stored here; the fields an
entity offers and how a definition becomes SQL live in services/topics (no SQL is ever stored)."""

from __future__ import annotations

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field

from crmterm.store.base import Labelled, Versioned


class ListQuery(Labelled, Versioned, table=True):
    __tablename__ = "list_query"
    __table_args__ = (UniqueConstraint("code"),)
    id: int | None = Field(default=None, primary_key=True)
    entity: str = Field(max_length=32, nullable=False)  # one of the catalogue's entities
    filters: list = Field(default_factory=list, sa_type=JSON, nullable=False)  # [{field, op, value | param}]
    value_field: str = Field(max_length=64, nullable=False)
    label: str = Field(max_length=300, nullable=False)  # a template of fields: "{number} ({contract})"
    order: str = Field(default="", max_length=200, nullable=False)  # "field, -field"
    limit: int = Field(default=50, nullable=False)
