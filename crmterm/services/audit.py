"""Recording and reading the audit log of admin changes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, select

from crmterm.services.permissions import Actor, Permission, require
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


def list_entries(*, session: Session, actor: Actor, since: datetime | None = None,
                 limit: int = 200) -> list[AuditRead]:
    require(actor, Permission.AUDIT_READ)
    query = select(AuditLog).order_by(AuditLog.id.desc()).limit(limit)
    if since is not None:
        query = query.where(AuditLog.at >= since)
    return [AuditRead.model_validate(row, from_attributes=True) for row in session.exec(query)]
