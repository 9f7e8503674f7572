"""The transaction boundary the faces use: the TUI's gateway, the CLI and later the API own their units of
work (DESIGN.md §3: the caller owns the transaction), while engines, sessions and retries stay in the store.
Faces import this instead of the store (checked by import-linter)."""

from __future__ import annotations

from crmterm.store.db import DatabaseBusy, in_transaction, unit_of_work

__all__ = ["DatabaseBusy", "in_transaction", "unit_of_work"]
