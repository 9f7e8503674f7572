"""Users, roles and user groups."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from crmterm.store.base import Labelled, Versioned


class Role(SQLModel, table=True):
    """A role: a named set of permissions (services/accounts/roles). The four presets (agent, supervisor,
    admin, auditor) are rows too, editable; their `permissions` stay NULL — the built-in set of
    services/accounts/permissions.py, so a permission added to a preset in code reaches existing databases —
    until an admin edits them. `queues`, when set, limits the role's inquiries.supervise to those queues."""

    code: str = Field(primary_key=True, max_length=32)
    labels: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)
    permissions: list | None = Field(default=None, sa_type=JSON)
    queues: list = Field(default_factory=list, sa_type=JSON, nullable=False)
    preset: bool = Field(default=False, nullable=False)
    version: int = Field(default=1, nullable=False)
    updated_at: datetime | None = None
    updated_by: str | None = Field(default=None, max_length=64)


class UserGroup(Labelled, Versioned, table=True):
    __tablename__ = "user_group"
    __table_args__ = (UniqueConstraint("code"),)
    id: int | None = Field(default=None, primary_key=True)
    roles: list = Field(default_factory=list, sa_type=JSON, nullable=False)  # role codes every member holds


class User(Versioned, table=True):
    __tablename__ = "app_user"  # "user" is reserved in PostgreSQL
    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(max_length=64, unique=True, nullable=False)
    display_name: str = Field(default="", max_length=200, nullable=False)
    role_code: str = Field(foreign_key="role.code", max_length=32, nullable=False)
    email: str | None = Field(default=None, max_length=200)
    language: str | None = Field(default=None, max_length=8)
    active: bool = Field(default=True, nullable=False)
    # Superseded by LoginGuard (migration 0018) and no longer written; dropped by a later migration.
    failed_logins: int = Field(default=0, nullable=False)
    locked_until: datetime | None = None
    groups: list = Field(default_factory=list, sa_type=JSON, nullable=False)  # user-group codes
    # Roles held besides role_code (which stays the preset that sets the database login's group, store/role_groups)
    roles: list = Field(default_factory=list, sa_type=JSON, nullable=False)


class UserPassword(SQLModel, table=True):
    """A user's argon2id hash, apart from the user row: on PostgreSQL the application role may write it but
    not read it (`crmterm db roles`); the log-in check goes through store/passwords."""

    __tablename__ = "user_password"
    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    password_hash: str = Field(max_length=255, nullable=False)


class LoginGuard(SQLModel, table=True):
    """Failed log-ins counted per login name typed, whether or not such a user exists: unknown names lock
    exactly like real ones, so neither the answer nor the lock tells which logins exist (services/accounts/auth)."""

    __tablename__ = "login_guard"
    login: str = Field(primary_key=True, max_length=80)  # the name as typed, or a hash of an implausible one
    failures: int = Field(default=0, nullable=False)
    locked_until: datetime | None = None


class UserPreference(SQLModel, table=True):
    """One user's own choices (`language`, …), one row per user and key. Apart from app_user on purpose: under
    per-user PostgreSQL logins agents may not write app_user, but each may write its own preferences
    (store/role_groups OWN_ROWS)."""

    __tablename__ = "user_preference"
    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    key: str = Field(primary_key=True, max_length=40)
    # Unbounded (migration 0036): the workspace layout is one JSON document here (services/accounts/workspace)
    value: str = Field(sa_type=Text, nullable=False)
    updated_at: datetime = Field(nullable=False)
