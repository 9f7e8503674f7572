"""The answer to an edit made on a stale read: who changed the row, and when (DESIGN.md: concurrent edits say
"changed by … at …", so the agent knows whom to ask before trying again)."""

from __future__ import annotations

from crmterm.errors import Conflict
from crmterm.i18n import _, fmt_datetime
from crmterm.store.base import Versioned


def changed_by(what: str, row: Versioned) -> Conflict:
    """`what` names the row in the user's words ("Opportunity 12"); `row` is its current state."""
    return Conflict(_("{what} was changed by {who} at {at}; reload and try again").format(
        what=what, who=row.updated_by or "?", at=fmt_datetime(row.updated_at)))
