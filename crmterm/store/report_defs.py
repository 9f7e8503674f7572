"""Saved report definitions of the report builder (services/reports/report_definitions): a named report over
one of its owner's saved inquiry filters, with its groupings and measures, private or shared with everyone who
may read reports."""

from __future__ import annotations

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field

from crmterm.store.base import Versioned


class ReportDefinition(Versioned, table=True):
    """`spec` is a services/reports/report_builder.ReportSpec as JSON: filter name, groupings, measures."""

    __tablename__ = "report_definition"
    __table_args__ = (UniqueConstraint("user_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, nullable=False)
    name: str = Field(max_length=64, nullable=False)
    shared: bool = Field(default=False, nullable=False)
    spec: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)
