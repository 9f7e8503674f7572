"""Resolving what a push could not apply (issue 30): a field both sides changed, or an action the server refused.

The resolution works through the node's shadow (docs/sync.md): the local row gets the chosen value and the
shadow's base for the field becomes the server's value (`theirs`). So "theirs" leaves nothing to push (local
equals the base), while "ours" and "edit" push old = theirs → new = the chosen value, which the server applies
because it still holds `theirs`. A refused action can only be acknowledged ("theirs"): the next pull brings
the server's state. The conflict row stays, resolved, with the choice; the audit log records who chose what."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from crmterm.errors import Conflict, NotFound, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts import audit
from crmterm.services.accounts.permissions import Actor
from crmterm.services.inquiries.inquiry_values import store_value
from crmterm.services.sync.edited_values import typed_value
from crmterm.services.sync.journal import FIELDS, MODELS, VALUE, set_base
from crmterm.services.sync.status import ConflictView
from crmterm.services.sync.sync_views import require_node_user
from crmterm.services.topics.attribute_values import AMOUNT, BadValue, parse, to_text
from crmterm.store import AttributeDef, Inquiry
from crmterm.store.base import utcnow
from crmterm.store.sync import SyncConflict
from crmterm.text import fold, search_key

CHOICES = ("ours", "theirs", "edit")
_SEARCHED = {"display_name", "names", "email"}  # a customer's folded search keys are built from these


def resolve_conflict(*, session: Session, actor: Actor, conflict_id: int, choice: str, value: Any = None,
                     source: str = "tui") -> ConflictView:
    """Keep ours, take theirs or put an edited value (typed like the field; text from a form is parsed)."""
    require_node_user(session, actor)
    conflict = _open_conflict(session, conflict_id, choice)
    chosen = _chosen_value(session, conflict, choice, value)
    if conflict.kind == "field" and conflict.field is not None:
        if conflict.field.startswith(VALUE):
            _set_local_value(session, conflict, chosen, actor)
        else:
            _set_local(session, conflict, chosen, actor)
        set_base(session, conflict.table_name, conflict.row_id, conflict.field, conflict.theirs)
    conflict.resolved_at, conflict.resolution = utcnow(), choice
    session.add(conflict)
    audit.record(session, actor, "resolve", "sync_conflict", str(conflict_id), source=source,
                 before={"label": conflict.label, "field": conflict.field, "ours": conflict.ours,
                         "theirs": conflict.theirs},
                 after={"resolution": choice, "value": chosen})
    session.flush()
    return _view(conflict)


def _open_conflict(session: Session, conflict_id: int, choice: str) -> SyncConflict:
    conflict = session.get(SyncConflict, conflict_id)
    if conflict is None:
        raise NotFound(_("sync conflict"), conflict_id)
    if conflict.resolved_at is not None:
        raise Conflict(_("Sync conflict {id} is already resolved ({choice})").format(
            id=conflict_id, choice=conflict.resolution))
    if choice not in CHOICES:
        raise ValidationError("choice", _("choose ours, theirs or edit, not {choice}").format(choice=choice))
    if conflict.kind != "field" and choice != "theirs":
        raise ValidationError("choice", _("the server refused this change: it can only be acknowledged"))
    return conflict


def _chosen_value(session: Session, conflict: SyncConflict, choice: str, value: Any) -> Any:
    if conflict.kind != "field":
        return None
    if (conflict.field or "").startswith(VALUE):
        return _attribute_text(session, conflict, choice, value)
    if conflict.field not in FIELDS.get(conflict.table_name, ()):
        raise ValidationError("field", _("{field} is not a synchronised field").format(field=conflict.field))
    if choice == "edit":
        return typed_value(session, conflict.table_name, conflict.field or "", value)
    return conflict.ours if choice == "ours" else conflict.theirs


def _set_local(session: Session, conflict: SyncConflict, value: Any, actor: Actor) -> None:
    """The local row's field as chosen, its version bumped so the node's diff reads the row again."""
    field = conflict.field or ""
    row = session.get(MODELS[conflict.table_name], conflict.row_id)
    if row is None:
        raise NotFound(conflict.label or conflict.table_name, conflict.row_id)
    setattr(row, field, value)
    if conflict.table_name == "party" and field in _SEARCHED:
        row.name_key = fold(row.display_name)
        row.search_key = search_key(row.display_name, *(row.names or {}).values(), row.email)
    row.version, row.updated_at, row.updated_by = row.version + 1, utcnow(), actor.login
    session.add(row)


def _definition(session: Session, conflict: SyncConflict) -> AttributeDef:
    code = (conflict.field or "").removeprefix(VALUE)
    found = session.exec(select(AttributeDef).where(AttributeDef.code == code)).first()
    if found is None:
        raise ValidationError("field", _("{field} is not a synchronised field").format(field=conflict.field))
    return found


def _attribute_text(session: Session, conflict: SyncConflict, choice: str, value: Any) -> str | None:
    """An attribute value as stored (text; None: no value); an edited one typed like the attribute."""
    definition = _definition(session, conflict)
    if choice != "edit":
        return conflict.ours if choice == "ours" else conflict.theirs
    try:
        return to_text(parse(definition.type, value, pattern=definition.pattern, max_length=definition.max_length,
                             decimals=AMOUNT))
    except BadValue as error:
        raise ValidationError(conflict.field, str(error)) from None


def _set_local_value(session: Session, conflict: SyncConflict, text: str | None, actor: Actor) -> None:
    inquiry = session.get(Inquiry, conflict.row_id)
    if inquiry is None:
        raise NotFound(conflict.label or "inquiry", conflict.row_id)
    store_value(session, conflict.row_id, _definition(session, conflict).id or 0, text)
    inquiry.version, inquiry.updated_at, inquiry.updated_by = inquiry.version + 1, utcnow(), actor.login
    session.add(inquiry)


def _view(c: SyncConflict) -> ConflictView:
    return ConflictView(id=c.id or 0, kind=c.kind, table=c.table_name, row_id=c.row_id, label=c.label, field=c.field,
                        ours=c.ours, theirs=c.theirs, base=c.base, message=c.message, created_at=c.created_at,
                        resolved_at=c.resolved_at, resolution=c.resolution)
