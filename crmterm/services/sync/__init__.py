"""Offline work: a laptop's SQLite database is a node of the central server and synchronises through its API.

The domain owns the node's state (which server, as whom, watermarks), the shadow copies that are the base of the
field-level merge, the journal of local changes, the conflicts a push could not apply and the sync log (all in
store/sync.py); on the server, the pull of what a user needs and the push of a node's journal with its
conflict rules (configuration: the server wins; customers and inquiries: field-level merge; state changes
through the route engine as the token's user; offline registrations get server numbers).

Public: status (sync_status, list_conflicts, sync_log: what the TUI shows), journal (the changes a node has
not pushed), node (init and one synchronisation over a transport), server_pull, server_push (the API's side);
resolve (a conflict's resolution, written by the TUI side).
"""
