"""The role matrix's entries for the agent's own workspace and its Dashboard (issue 31 item 6). Another user's
workspace (users.read to show, users.write to reset) is tested in test_workspace.py: the table holds one entry
per entry point."""

from __future__ import annotations

from role_matrix_calls import OWN_PREFERENCE, OWN_PREFERENCE_WRITE, Entry

from crmterm.services.accounts import workspace
from crmterm.services.accounts.permissions import Permission as P
from crmterm.services.work import dashboard

WORKSPACE_ENTRIES = [
    Entry(workspace.get_workspace, OWN_PREFERENCE),
    Entry(workspace.set_workspace, OWN_PREFERENCE_WRITE, lambda s, w, a: {"layout": {"tabs": ["home", "queues"]}}),
    Entry(workspace.reset_workspace, OWN_PREFERENCE_WRITE),
    Entry(dashboard.tile, P.INQUIRIES_READ, lambda s, w, a: {"code": "registered_today"}),
]
