"""The role matrix's declared table, offline sync as the TUI uses it (issue 30): the node's state, its open
conflicts and sync log, and resolving a conflict need sync.use (the node's own user; not auditors). See
role_matrix_calls.py."""

from __future__ import annotations

import uuid

from role_matrix_calls import Entry
from role_matrix_sync import SYNC_READER

from crmterm.services.accounts.permissions import Permission as P
from crmterm.services.sync import resolve, sync_views
from crmterm.store.sync import SyncConflict


def _refused_close(session, world, actor) -> dict:
    conflict = SyncConflict(change_id=str(uuid.uuid4()), kind="refused", table_name="inquiry", row_id=1,
                            label="Inquiry 1", field="close", message="reassigned meanwhile")
    session.add(conflict)
    session.flush()
    return {"conflict_id": conflict.id, "choice": "theirs"}


SYNC_TUI_ENTRIES: list[Entry] = [
    Entry(sync_views.node_status, SYNC_READER),
    Entry(sync_views.open_conflicts, SYNC_READER),
    Entry(sync_views.recent_syncs, SYNC_READER),
    Entry(resolve.resolve_conflict, P.SYNC_USE, _refused_close),
]


def _this_database(session, world, actor) -> dict:
    return {"database_url": world.url}


# The demo database is no node: an allowed role gets "not a node", a refused one is refused first
SYNC_TUI_ENTRIES += [
    Entry(sync_views.require_node_user, SYNC_READER),
    Entry(sync_views.sync_now, P.SYNC_USE, _this_database, succeeds=False, own_transaction=True),
]
