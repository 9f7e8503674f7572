"""Offline sync on a laptop node (issue 30): the status bar's sync state, the conflicts to resolve, the sync log."""
