"""A node's local changes, found by comparing each changed row with its shadow (the server's values as last
pulled) and written to the journal one entry per field, action or registration, each with its change id.

Why a diff against the shadow rather than a listener on every write: the services write customers and
inquiries through ORM flushes, guarded UPDATEs and plain INSERTs alike; a diff sees them all, and the shadow is
also the merge base the server needs (a field is applied only where the server still has the old value). A row
has changes when its version differs from its shadow's (every local edit bumps it), so the diff reads only
those rows."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import and_, case, func
from sqlmodel import Session, col, select

from crmterm.services.sync import new_customers, registrations, state_actions
from crmterm.services.sync.changes import Change, jsonable
from crmterm.store import ContactPerson, Inquiry, InquiryEvent, Party
from crmterm.store.sync import LOCAL_BASE, SyncJournal, SyncShadow

# The fields a node may change offline and push, per synchronised table
FIELDS: dict[str, tuple[str, ...]] = {
    "party": ("display_name", "names", "email", "phone", "status", "category_id"),
    "contact_person": ("name", "role", "phones", "emails"),
    "inquiry": ("text", "priority_id"),
}
MODELS: dict[str, Any] = {"party": Party, "contact_person": ContactPerson, "inquiry": Inquiry}
# Kept in an inquiry's shadow besides its fields: its state changes are pushed as route actions (and a refused
# one puts these back)
INQUIRY_STATE = ("state", "resolution", "assignee_id", "step", "queue_id")
COMMENTS = "inquiry_event"  # a note on an inquiry, pushed as the action "comment"
VALUE = "value:"  # an inquiry's attribute value is the field "value:<attribute code>"; the shadow keeps "values"


def shadow_data(table: str, row: Any) -> dict[str, Any]:
    names = FIELDS[table] + (INQUIRY_STATE if table == "inquiry" else ())
    return {name: jsonable(getattr(row, name)) for name in names}


def set_base(session: Session, table: str, row_id: int, field: str, value: Any) -> None:
    """Make `value` the server's known value of a field (a resolved conflict: the next push diffs from it);
    "value:<code>" is an inquiry's attribute value."""
    shadow = session.get(SyncShadow, (table, row_id))
    if shadow is None:
        return
    if field.startswith(VALUE):  # new dicts throughout: a JSON column sees assignment only
        shadow.data = {**shadow.data, "values": {**(shadow.data.get("values") or {}),
                                                 field.removeprefix(VALUE): jsonable(value)}}
    else:
        shadow.data = {**shadow.data, field: jsonable(value)}
    session.add(shadow)


def _changed_rows(session: Session, table: str) -> list[tuple[Any, SyncShadow]]:
    model = MODELS[table]
    join = and_(col(SyncShadow.table_name) == table, col(SyncShadow.row_id) == model.id)
    query = select(model, SyncShadow).join(SyncShadow, join).where(model.version != SyncShadow.version)
    return [(row, shadow) for row, shadow in session.exec(query)]


def _row_changes(session: Session, table: str, row: Any, shadow: SyncShadow) -> list[Change]:
    data, base = shadow_data(table, row), shadow.data
    found = [Change(table, row.id, "update", name, base.get(name), data[name], shadow.version)
             for name in FIELDS[table] if data[name] != base.get(name)]
    if table == "inquiry":
        found += _value_changes(session, row.id, shadow)
        if data["state"] == "closed" and base.get("state") != "closed":
            found.append(Change(table, row.id, "action", "close", base.get("state"),
                                {"resolution": data["resolution"]}, shadow.version))
    return found


def _value_changes(session: Session, inquiry_id: int, shadow: SyncShadow) -> list[Change]:
    """Attribute values, each a field "value:<code>" (as text; None: cleared)."""
    mine, base = registrations.inquiry_values(session, inquiry_id), shadow.data.get("values") or {}
    return [Change("inquiry", inquiry_id, "update", VALUE + code, base.get(code), mine.get(code), shadow.version)
            for code in sorted(set(mine) | set(base)) if mine.get(code) != base.get(code)]


def _comments(session: Session) -> list[Change]:
    """Notes written here on pulled inquiries (a node pulls no events: every event here was made here; those of
    an offline registration go with it)."""
    pushed = select(SyncJournal.row_id).where(SyncJournal.table_name == COMMENTS)
    events = session.exec(select(InquiryEvent).where(InquiryEvent.kind == "commented",
                                                     col(InquiryEvent.inquiry_id) < LOCAL_BASE,
                                                     col(InquiryEvent.id).not_in(pushed)).order_by(col(InquiryEvent.id)))
    return [Change(COMMENTS, event.id or 0, "action", "comment", None,
                   {"inquiry": event.inquiry_id, "text": event.text, "public": bool(event.data.get("public"))}, None)
            for event in events]


def diff(session: Session) -> list[Change]:
    """Every local change now: route actions (before a close), changed fields and closes of pulled rows, notes,
    new customers and offline registrations (which may name them)."""
    found = [change for table in FIELDS for row, shadow in _changed_rows(session, table)
             for change in _row_changes(session, table, row, shadow)]
    return (state_actions.offline_actions(session) + found + _comments(session)
            + new_customers.offline_customers(session) + registrations.offline_registrations(session))


def _key(table: str, row_id: int, op: str, field: str | None, old: Any, new: Any) -> tuple:
    """What makes a change the same change: a registration is one per contact (its draft may still grow)."""
    return (table, row_id, op) if op == "create" else (table, row_id, op, field, repr(old), repr(new))


def _journalled(session: Session, changes: list[Change]) -> set[tuple]:
    """The keys journalled for the rows of `changes` (the journal keeps every change ever pushed)."""
    known: set[tuple] = set()
    for table in {c.table for c in changes}:
        ids = sorted({c.row_id for c in changes if c.table == table})
        for start in range(0, len(ids), 500):  # bound the IN list
            entries = session.exec(select(SyncJournal).where(SyncJournal.table_name == table,
                                                             col(SyncJournal.row_id).in_(ids[start:start + 500])))
            known |= {_key(e.table_name, e.row_id, e.op, e.field, e.old, e.new) for e in entries}
    return known


def _new_changes(session: Session) -> list[Change]:
    found = diff(session)
    known = _journalled(session, found)
    return [c for c in found if _key(c.table, c.row_id, c.op, c.field, c.old, c.new) not in known]


def _refresh_drafts(session: Session, changes: list[Change]) -> None:
    """An offline registration or customer edited before it was pushed: its journalled draft becomes the
    current one (a contact and a customer made here may share an id: each table numbers its own)."""
    drafts = {(c.table, c.row_id): c.new for c in changes if c.op == "create"}
    if drafts:
        ids = sorted({row_id for _table, row_id in drafts})
        for entry in session.exec(select(SyncJournal).where(SyncJournal.op == "create",
                                                            col(SyncJournal.pushed_at).is_(None),
                                                            col(SyncJournal.row_id).in_(ids))):
            draft = drafts.get((entry.table_name, entry.row_id))
            if draft is not None and entry.new != draft:
                entry.new = draft
                session.add(entry)


def record(session: Session, changes: list[Change]) -> None:
    for change in changes:
        session.add(SyncJournal(change_id=str(uuid.uuid4()), table_name=change.table, row_id=change.row_id,
                                local_ref=change.local_ref, op=change.op, field=change.field, old=change.old,
                                new=change.new, base_version=change.base_version))
    session.flush()


def capture(session: Session) -> int:
    """Journal every change not journalled yet; the number written."""
    _refresh_drafts(session, new_customers.offline_customers(session) + registrations.offline_registrations(session))
    fresh = _new_changes(session)
    record(session, fresh)
    return len(fresh)


def adopt(session: Session, table: str, row_id: int, version: int, sent: dict[str, Any]) -> None:
    """A row the server created from `sent` (a customer made here): its shadow at the server's version, and the
    row at that version too unless it was edited since it was sent (then the next push sends the edit)."""
    row = session.get(MODELS[table], row_id, populate_existing=True)
    if row is None:
        return
    base = {**shadow_data(table, row), **{name: jsonable(sent[name]) for name in FIELDS[table] if name in sent}}
    session.merge(SyncShadow(table_name=table, row_id=row_id, version=version, data=base))
    row.version = version if shadow_data(table, row) == base else version + 1
    session.add(row)


def unpushed(session: Session, limit: int) -> list[SyncJournal]:
    """Oldest first, but new customers before everything: a registration journalled earlier may name one."""
    customers_first = case((and_(col(SyncJournal.table_name) == new_customers.PARTY,
                                 col(SyncJournal.op) == "create"), 0), else_=1)
    query = select(SyncJournal).where(col(SyncJournal.pushed_at).is_(None)).order_by(customers_first,
                                                                                      col(SyncJournal.id))
    return list(session.exec(query.limit(limit)))


def pending_count(session: Session) -> int:
    """Changes not pushed yet: journalled ones and those made since the journal was last written."""
    waiting = session.exec(select(func.count()).select_from(SyncJournal)
                           .where(col(SyncJournal.pushed_at).is_(None))).one()
    return int(waiting) + len(_new_changes(session))
