"""The registration an agent is typing, kept in the database per user (issue 19): the Register tab saves it
as the agent types (debounced, in a worker) and offers it back after a crash or restart, on any workstation.

A draft belongs to the user who typed it: every call acts on the actor's own row, so there is no way to
name someone else's. The document is the Register tab's state as plain JSON; this module only bounds its
size and remembers which customer it names, so erasing that customer deletes it (customers/erasure)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session

from crmterm.errors import PermissionDenied, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.store import RegistrationDraft, utcnow

MAX_DRAFT_BYTES = 256 * 1024  # a contact with many inquiries and long notes stays far below


class DraftRead(BaseModel):
    document: dict[str, Any]
    customer_id: int | None
    updated_at: datetime


def save_draft(*, session: Session, actor: Actor, document: dict[str, Any],
               customer_id: int | None = None) -> None:
    """Replace the actor's draft; an empty document discards it."""
    user_id = _own(actor)
    if not document:
        discard_draft(session=session, actor=actor)
        return
    if not isinstance(document, dict):
        raise ValidationError("document", _("expected a JSON object"))
    if len(json.dumps(document, default=str)) > MAX_DRAFT_BYTES:
        raise ValidationError("document", _("the draft is too large to keep"))
    row = session.get(RegistrationDraft, user_id) or RegistrationDraft(user_id=user_id)
    row.document, row.party_id, row.updated_at = document, customer_id, utcnow()
    session.add(row)
    session.flush()


def my_draft(*, session: Session, actor: Actor) -> DraftRead | None:
    row = session.get(RegistrationDraft, _own(actor))
    if row is None:
        return None
    return DraftRead(document=row.document, customer_id=row.party_id, updated_at=row.updated_at)


def discard_draft(*, session: Session, actor: Actor) -> bool:
    """After a registration is saved or the agent starts afresh; False when there was none."""
    row = session.get(RegistrationDraft, _own(actor))
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def _own(actor: Actor) -> int:
    require(actor, Permission.INQUIRIES_WRITE)
    if actor.id is None:  # the CLI's system account types no registrations
        raise PermissionDenied(_("only a signed-in user has a registration draft"))
    return actor.id
