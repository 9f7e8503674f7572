"""Bearer tokens of the HTTP API (`crmterm token`, services/accounts/tokens): each acts as one user, with a
scope (read or write), an optional expiry and a revocation time. Only a hash of the secret is stored."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from crmterm.store.base import utcnow


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, nullable=False)
    name: str = Field(max_length=64, nullable=False)
    token_hash: str = Field(max_length=64, unique=True, nullable=False)  # sha256 hex of the secret
    scope: str = Field(default="read", max_length=8, nullable=False)  # read | write
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    created_by: str = Field(max_length=64, nullable=False)
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None
