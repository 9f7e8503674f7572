"""What the TUI reads of a node's synchronisation, as the logged-in user (status.py holds the queries; these
check the role, as every service the faces call does): the status bar's state, the open conflicts, the log."""

from __future__ import annotations

from sqlmodel import Session

from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.sync import status
from crmterm.services.sync.status import ConflictView, SyncLogView, SyncStatus


def node_status(*, session: Session, actor: Actor) -> SyncStatus:
    """Online or not, pending changes, open conflicts, last sync; `configured` False on a database that is
    not a node (the status bar then shows nothing of it)."""
    require(actor, Permission.SYNC_USE)
    return status.sync_status(session)


def open_conflicts(*, session: Session, actor: Actor) -> list[ConflictView]:
    """Unresolved conflicts and refused changes, oldest first."""
    require(actor, Permission.SYNC_USE)
    return status.list_conflicts(session, unresolved_only=True)


def recent_syncs(*, session: Session, actor: Actor, limit: int = 50) -> list[SyncLogView]:
    """The sync log, newest first."""
    require(actor, Permission.SYNC_USE)
    return status.sync_log(session, limit=limit)
