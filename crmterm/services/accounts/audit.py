"""Recording and reading the audit log: admin configuration, users and roles, exports, imports, bulk
operations, archiving, merges, erasure, backups — who, when, what (before/after).

The log is append-only: on SQLite triggers refuse UPDATE and DELETE (migration 0016), on PostgreSQL the
application role may only SELECT and INSERT it (`crmterm db roles`). Never put secrets (passwords, hashes)
or a customer's erased personal data into `before`/`after`."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.store import AuditLog


class AuditRead(BaseModel):
    id: int
    at: datetime
    actor: str
    source: str
    action: str
    entity: str
    entity_key: str
    before: dict | None
    after: dict | None


def record(session: Session, actor: Actor, action: str, entity: str, key: str, *,
           before: dict | None = None, after: dict | None = None, source: str = "tui") -> None:
    session.add(AuditLog(actor=actor.login, source=source, action=action, entity=entity,
                         entity_key=key, before=before, after=after))


def list_entries(*, session: Session, actor: Actor, since: datetime | None = None, action: str | None = None,
                 entity: str | None = None, who: str | None = None, limit: int = 200) -> list[AuditRead]:
    """Newest first; `since` (naive: UTC), and exact matches on action, entity (area) and actor login."""
    require(actor, Permission.AUDIT_READ)
    query = select(AuditLog).order_by(col(AuditLog.id).desc()).limit(limit)
    if since is not None:
        query = query.where(AuditLog.at >= (since if since.tzinfo else since.replace(tzinfo=UTC)))
    for column, value in ((AuditLog.action, action), (AuditLog.entity, entity), (AuditLog.actor, who)):
        if value:
            query = query.where(column == value)
    return [AuditRead.model_validate(row, from_attributes=True) for row in session.exec(query)]
