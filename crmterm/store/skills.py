"""Skills routing: the skills catalogue, each agent's skill levels, the skills a route step requires, and
when each user was last seen at work.

A queue's required skills sit on the queue row (a small JSON mapping, edited with the queue); a step's are
copied out of the route document into `step_skill` when its immutable revision is created, so take-next can
join them in SQL (an inquiry points at its revision and step) instead of reading route documents.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from crmterm.store.base import Labelled, Versioned, utcnow

SKILL_KINDS = ("language", "product", "topic_group")
LEVELS = range(1, 6)  # 1 (basic) … 5 (expert)


class Skill(Labelled, Versioned, table=True):
    """A language, product or topic group an agent can be good at."""

    __table_args__ = (UniqueConstraint("code"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(default="language", max_length=16, nullable=False)  # one of SKILL_KINDS


class AgentSkill(SQLModel, table=True):
    """One skill of one user at a level; the primary key is the lookup take-next makes per requirement."""

    __tablename__ = "agent_skill"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 5", name="level_range"),)
    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    skill: str = Field(max_length=64, primary_key=True)  # skill code
    level: int = Field(nullable=False)


class StepSkill(SQLModel, table=True):
    """A skill (with its minimum level) an inquiry needs while it is at `step` of route revision `revision_id`."""

    __tablename__ = "step_skill"
    __table_args__ = (Index("ix_step_skill_revision_step", "revision_id", "step"),)
    revision_id: int = Field(foreign_key="route_revision.id", primary_key=True)
    step: str = Field(max_length=64, primary_key=True)
    skill: str = Field(max_length=64, primary_key=True)
    min_level: int = Field(nullable=False)


class AgentPresence(SQLModel, table=True):
    """When a user's workspace (TUI) last said it is open; gone at log-out. "Logged in" = seen recently."""

    __tablename__ = "agent_presence"
    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    seen_at: datetime = Field(default_factory=utcnow, nullable=False)
