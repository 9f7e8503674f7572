"""What the TUI reads and starts of a node's synchronisation, as the logged-in user (status.py holds the
queries, client.py the sync; these check the role, as every service the faces call does): the status bar's
state, the open conflicts, the log, and a sync started from the TUI.

Reading needs sync.use; changing the node's state (resolving, synchronising) is for the node's own user —
the one whose token it pushes with — or an administrator: a colleague logged in on the laptop must not
push as its owner."""

from __future__ import annotations

from sqlmodel import Session

from crmterm.errors import PermissionDenied
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, Role, require
from crmterm.services.sync import client, status
from crmterm.services.sync.node import SyncResult
from crmterm.services.sync.status import ConflictView, SyncLogView, SyncStatus
from crmterm.store.db import unit_of_work


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


def require_node_user(session: Session, actor: Actor | None) -> Actor:
    """sync.use, and on a node its own user (or an administrator)."""
    checked = require(actor, Permission.SYNC_USE)
    here = status.node(session)
    if here is not None and here.login and checked.login != here.login and checked.role is not Role.ADMIN:
        raise PermissionDenied(_("this laptop synchronises as {owner}: only they may change its sync state")
                               .format(owner=here.login))
    return checked


def sync_now(*, actor: Actor, database_url: str) -> SyncResult:
    """One synchronisation of this node (push, then pull) over HTTP: blocking, run it off the UI thread.
    Raises SyncUnreachable without a network (logged, the node marked offline)."""
    require(actor, Permission.SYNC_USE)  # before the database is even opened
    with unit_of_work(database_url) as session:
        require_node_user(session, actor)
    return client.sync_once(database_url)
