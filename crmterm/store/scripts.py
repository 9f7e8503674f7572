"""Scripts (versioned documents: a graph of nodes plus decisions, workflow/scripts.py) and their runs.

A script code has many versions; at most one is published at a time, drafts are edited in place, and
a run points at the exact version it walked, so publishing a new version never changes a finished run.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from crmterm.store.base import Versioned, utcnow

SCRIPT_STATES = ("draft", "published", "retired")


class Script(Versioned, table=True):
    """`version` (from Versioned) is the optimistic lock of edits; `number` is the script's version."""

    __table_args__ = (UniqueConstraint("code", "number"), Index("ix_script_code_status", "code", "status"))
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, nullable=False)
    number: int = Field(default=1, nullable=False)
    status: str = Field(default="draft", max_length=16, nullable=False)  # SCRIPT_STATES
    name: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)
    topics: list = Field(default_factory=list, sa_type=JSON, nullable=False)  # topic codes (from the document)
    document: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)
    created_by: str = Field(max_length=64, nullable=False)
    published_at: datetime | None = None


class ScriptRun(SQLModel, table=True):
    """One finished walk of a script on an inquiry: the path with the choices, score, outcome, captured
    values (as stored text) and the decisions that were applied. No foreign key to `inquiry`: like a problem
    link, a run outlives the inquiry's move to the archive (services/platform/archive)."""

    __tablename__ = "script_run"
    id: int | None = Field(default=None, primary_key=True)
    inquiry_id: int = Field(index=True, nullable=False)
    script_id: int = Field(foreign_key="script.id", index=True, nullable=False)
    path: list = Field(default_factory=list, sa_type=JSON, nullable=False)
    score: int = Field(default=0, nullable=False)
    outcome: str | None = Field(default=None, max_length=64)
    captures: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)
    decisions: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)
    actor: str = Field(max_length=64, nullable=False)
    at: datetime = Field(default_factory=utcnow, nullable=False)
