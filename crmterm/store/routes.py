"""Queues, routes (with immutable revisions) and saved inquiry filters.

A route's steps and transitions are one validated document (JSON): routes are small configuration read
whole, and an immutable revision row per distinct document makes versioning trivial — an inquiry points at
the revision it started on and finishes on it however the route is edited later.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field, SQLModel

from crmterm.store.base import Labelled, Versioned, utcnow


class Queue(Labelled, Versioned, table=True):
    """Members work the queue (by login or through a user group); admins supervise it."""

    __table_args__ = (UniqueConstraint("code"),)
    id: int | None = Field(default=None, primary_key=True)
    members: list = Field(default_factory=list, sa_type=JSON, nullable=False)  # logins
    groups: list = Field(default_factory=list, sa_type=JSON, nullable=False)  # user-group codes
    admins: list = Field(default_factory=list, sa_type=JSON, nullable=False)  # logins
    skills: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)  # skill code -> minimum level


class Route(Labelled, Versioned, table=True):
    """The editable head of a route; `topics` are the topics (and groups: inherited below) it serves."""

    __table_args__ = (UniqueConstraint("code"),)
    id: int | None = Field(default=None, primary_key=True)
    topics: list = Field(default_factory=list, sa_type=JSON, nullable=False)  # topic codes
    steps: list = Field(default_factory=list, sa_type=JSON, nullable=False)
    transitions: list = Field(default_factory=list, sa_type=JSON, nullable=False)


class RouteRevision(SQLModel, table=True):
    """One distinct definition of a route, created the first time an inquiry is routed with it."""

    __tablename__ = "route_revision"
    __table_args__ = (UniqueConstraint("route_id", "digest"),)
    id: int | None = Field(default=None, primary_key=True)
    route_id: int = Field(foreign_key="route.id", index=True, nullable=False)
    revision: int = Field(nullable=False)
    digest: str = Field(max_length=64, nullable=False)  # sha256 of the canonical definition
    definition: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)


class SavedFilter(SQLModel, table=True):
    """A named multi-parameter inquiry filter, shown to its owner as a tab, and to the members of the user group
    it is shared with (by code: a group that is deleted or renamed leaves the filter its owner's alone)."""

    __tablename__ = "saved_filter"
    __table_args__ = (UniqueConstraint("user_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, nullable=False)
    name: str = Field(max_length=64, nullable=False)
    params: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    shared_with: str | None = Field(default=None, max_length=64, index=True)  # a user group's code
