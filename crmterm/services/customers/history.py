"""The change log: which fields are tracked, recording their changes, reading a party's history."""

from __future__ import annotations

import json
from collections.abc import Set as AbstractSet
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.store import ChangeLog, TrackedField, utcnow
from crmterm.store.tables import table_of

# Tracked until an admin says otherwise (config section tracked_fields / `crmterm customer track`).
DEFAULT_TRACKED = {("party", f) for f in ("display_name", "names", "category", "status", "is_lead", "email",
                                           "phone", "kind")}


class ChangeRead(BaseModel):
    id: int
    entity: str
    entity_id: int
    field: str
    old: Any
    new: Any
    at: datetime
    by: str
    source: str


def tracked(session: Session, entity: str) -> set[str]:
    return set(tracked_since(session, entity))


def tracked_since(session: Session, entity: str) -> dict[str, datetime | None]:
    """The tracked fields of an entity, each with the moment its tracking began (None: from the start)."""
    rows = session.exec(select(TrackedField.field, TrackedField.since).where(TrackedField.entity == entity)).all()
    if not rows:
        return {f: None for e, f in DEFAULT_TRACKED if e == entity}
    return dict(rows)


def dump_value(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def record(session: Session, *, entity: str, entity_id: int, field: str, old: Any, new: Any, by: str,
           source: str, at: datetime | None = None) -> None:
    """`at`: now, unless a seed writes a past it knows (the demo customer with a history)."""
    session.add(ChangeLog(entity=entity, entity_id=entity_id, field=field, old=dump_value(old), new=dump_value(new),
                          by=by, source=source, at=at or utcnow()))


def record_changes(session: Session, *, entity: str, entity_id: int, before: dict, after: dict, by: str,
                   source: str, always: AbstractSet[str] = frozenset()) -> None:
    """One row per changed field that is tracked (or in `always`, e.g. structure moves)."""
    fields = tracked(session, entity) | set(always)
    for field in sorted(fields & (set(before) | set(after))):
        if before.get(field) != after.get(field):
            record(session, entity=entity, entity_id=entity_id, field=field, old=before.get(field),
                   new=after.get(field), by=by, source=source)


def _load(value: str | None) -> Any:
    return None if value is None else json.loads(value)


def history(session: Session, entity: str, entity_id: int, limit: int = 500) -> list[ChangeRead]:
    rows = session.exec(select(ChangeLog).where(ChangeLog.entity == entity, ChangeLog.entity_id == entity_id)
                        .order_by(col(ChangeLog.at).desc(), col(ChangeLog.id).desc()).limit(limit))
    return [ChangeRead(id=r.id, entity=r.entity, entity_id=r.entity_id, field=r.field, old=_load(r.old),
                       new=_load(r.new), at=r.at, by=r.by, source=r.source) for r in rows]


TRACKABLE = {"party": ("display_name", "names", "kind", "category", "status", "is_lead", "email", "phone")}


def set_tracked(session: Session, entity: str, fields: list[str]) -> None:
    """Admins choose the tracked fields of an entity (structure moves, merges and attributes with
    history on are always logged). A field tracked already keeps the moment its tracking began; one newly
    tracked begins now, so the card "as of" an earlier day says it was not tracked then."""
    before, now = tracked_since(session, entity), utcnow()
    session.execute(table_of(TrackedField).delete().where(col(TrackedField.entity) == entity))
    for name in sorted(set(fields)):
        session.add(TrackedField(entity=entity, field=name, since=before[name] if name in before else now))
    session.flush()
