"""What a node shows of its synchronisation: online or not, pending changes, conflicts, the sync log.

Plain dataclasses (screens never hold ORM rows). On a database that is not a node every call answers
"not configured" / empty lists, so the status bar can ask any database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from crmterm.services.sync import journal
from crmterm.store.sync import NODE_ID, SyncConflict, SyncNode, SyncRun


@dataclass(frozen=True)
class SyncStatus:
    configured: bool  # this database is a node (sync init ran)
    server_url: str | None
    user: str | None
    online: bool | None  # None: no synchronisation tried yet
    pending: int  # local changes not yet pushed
    conflicts: int  # unresolved conflicts and refusals
    last_sync_at: datetime | None
    last_error: str | None


@dataclass(frozen=True)
class ConflictView:
    id: int
    kind: str  # field: both sides changed it | refused: the server refused an action
    table: str
    row_id: int
    label: str  # "Customer Ivanov", "Inquiry 123"
    field: str | None
    ours: Any
    theirs: Any
    base: Any
    message: str
    created_at: datetime
    resolved_at: datetime | None
    resolution: str | None


@dataclass(frozen=True)
class SyncLogView:
    id: int
    started_at: datetime
    finished_at: datetime | None
    pushed: int
    pulled: int
    conflicts: int
    refused: int
    bytes_up: int
    bytes_down: int
    error: str | None


def node(session: Session) -> SyncNode | None:
    return session.get(SyncNode, NODE_ID)


def sync_status(session: Session) -> SyncStatus:
    here = node(session)
    if here is None:
        return SyncStatus(False, None, None, None, 0, 0, None, None)
    open_conflicts = session.exec(select(func.count()).select_from(SyncConflict)
                                  .where(col(SyncConflict.resolved_at).is_(None))).one()
    return SyncStatus(configured=True, server_url=here.server_url, user=here.login, online=here.online,
                      pending=journal.pending_count(session), conflicts=int(open_conflicts),
                      last_sync_at=here.last_sync_at, last_error=here.last_error)


def list_conflicts(session: Session, *, unresolved_only: bool = True) -> list[ConflictView]:
    query = select(SyncConflict).order_by(col(SyncConflict.id))
    if unresolved_only:
        query = query.where(col(SyncConflict.resolved_at).is_(None))
    return [ConflictView(id=c.id or 0, kind=c.kind, table=c.table_name, row_id=c.row_id, label=c.label,
                         field=c.field, ours=c.ours, theirs=c.theirs, base=c.base, message=c.message,
                         created_at=c.created_at, resolved_at=c.resolved_at, resolution=c.resolution)
            for c in session.exec(query)]


def sync_log(session: Session, limit: int = 50) -> list[SyncLogView]:
    runs = session.exec(select(SyncRun).order_by(col(SyncRun.id).desc()).limit(limit))
    return [SyncLogView(id=r.id or 0, started_at=r.started_at, finished_at=r.finished_at, pushed=r.pushed,
                        pulled=r.pulled, conflicts=r.conflicts, refused=r.refused, bytes_up=r.bytes_up,
                        bytes_down=r.bytes_down, error=r.error) for r in runs]
