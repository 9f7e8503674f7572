"""The role matrix's table, offline sync part (issue 30): a node's pull and push need sync.use (agents,
supervisors, admins; auditors work only at the office). The push's changes are built per call: a field of a
new customer changed from its current value, so an allowed role's push is applied."""

from __future__ import annotations

import uuid

from role_matrix_api import Route
from role_matrix_calls import Entry, Rule, World, new_party
from sqlmodel import Session

from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.accounts.permissions import Permission as P
from crmterm.services.sync import server_pull, server_push
from crmterm.store import Party

# A pull reads only: a read-only token may pull (pushing needs a write token)
SYNC_READER = Rule("sync.use", frozenset({Role.AGENT, Role.SUPERVISOR, Role.ADMIN}), writes=False)


def _changes(session: Session, world: World) -> list[dict]:
    party = session.get(Party, new_party(session, world))
    return [{"change_id": str(uuid.uuid4()), "table": "party", "row_id": party.id, "op": "update",
             "field": "display_name", "old": party.display_name, "new": "Renamed offline", "base_version": 1}]


def _push_body(s: Session, w: World, a: Actor | None) -> tuple[str, dict]:
    return "", {"json": {"changes": _changes(s, w)}}


SYNC_ENTRIES = [
    Entry(server_pull.pull, SYNC_READER, lambda s, w, a: {"watermarks": {}, "scope": "mine", "limit": 50}),
    Entry(server_push.push, P.SYNC_USE, lambda s, w, a: {"changes": _changes(s, w)}),
]

SYNC_API_ROUTES = [
    Route("GET", "/sync/pull", "server_pull.pull", lambda s, w, a: ("", {"params": {"limit": 50}})),
    Route("POST", "/sync/push", "server_push.push", _push_body),
]
