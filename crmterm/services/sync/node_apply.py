"""A node applies a pulled batch: configuration as the server has it (the server wins), customers, contact
persons and inquiries merged with what the node changed and has not pushed (kept, with the shadow still at
the old base, so the push that follows reaches the server with the right `old`), contacts and values as sent.

Rows come as JSON; each is typed back by its column, upserted by primary key with the node's SQLite dialect,
and a reference to a row the node does not hold (a subscriber, an inquiry's parent) is set to NULL (a row
that cannot stand without it, such as the value of an attribute the node lacks, is left out)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, SQLModel, col

from crmterm.services.sync import node_values, server_pull
from crmterm.services.sync.journal import FIELDS, INQUIRY_STATE, MODELS, shadow_data
from crmterm.services.sync.state_actions import STATE_ACTIONS
from crmterm.store import load_all
from crmterm.store.sync import SyncJournal, SyncShadow
from crmterm.store.tables import table_of

ORDER = (*server_pull.CONFIG_TABLES, "party", "contact_person", "contact", "inquiry", "inquiry_value")
MERGED = ("party", "contact_person", "inquiry")


def _table(name: str) -> Table:
    load_all()
    return SQLModel.metadata.tables[name]


def _typed(value: Any, python_type: type | None) -> Any:
    if value is None or python_type is None or not isinstance(value, str):
        return value
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type is date:
        return date.fromisoformat(value)
    if python_type is Decimal:
        return Decimal(value)
    return value


def _python_types(table: Table) -> dict[str, type | None]:
    found: dict[str, type | None] = {}
    for column in table.columns:
        kind = getattr(column.type, "impl", column.type)  # UTCDateTime decorates DateTime
        try:
            found[column.key] = kind.python_type
        except NotImplementedError:
            found[column.key] = None
    return found


def decode(table: Table, rows: list[dict]) -> list[dict]:
    types = _python_types(table)
    return [{key: _typed(value, types.get(key)) for key, value in row.items() if key in types} for row in rows]


def _existing(session: Session, table: Table, column: str, values: set) -> set:
    if not values:
        return set()
    return set(session.execute(select(table.c[column]).where(col(table.c[column]).in_(values))).scalars())


def drop_dangling(session: Session, table: Table, rows: list[dict]) -> list[dict]:
    """Rows whose references the node can satisfy: a missing nullable reference becomes NULL, a row with a
    missing required one is left out."""
    for fk in table.foreign_keys:
        column, target = fk.parent.key, fk.column
        wanted = {row[column] for row in rows if row.get(column) is not None}
        present = _existing(session, target.table, target.key, wanted)
        present |= {row["id"] for row in rows if target.table is table and "id" in row} & wanted
        missing = wanted - present
        if not missing:
            continue
        if fk.parent.nullable:
            rows = [{**row, column: None} if row.get(column) in missing else row for row in rows]
        else:
            rows = [row for row in rows if row.get(column) not in missing]
    return rows


def upsert(session: Session, table: Table, rows: list[dict]) -> None:
    if not rows:
        return
    keys = [column.key for column in table.primary_key.columns]
    statement = sqlite_insert(table)
    changing = {column.key: statement.excluded[column.key] for column in table.columns if column.key not in keys}
    statement = (statement.on_conflict_do_update(index_elements=keys, set_=changing) if changing
                 else statement.on_conflict_do_nothing(index_elements=keys))
    session.execute(statement, rows)


def _state_change_pending(session: Session, row_id: int) -> bool:
    """A route action made here waits to be pushed: the inquiry's state here is the one to push."""
    journal = table_of(SyncJournal).c
    return session.execute(select(journal.id).where(journal.table_name == "inquiry", journal.row_id == row_id,
                                                    journal.op == "action", journal.field.in_(sorted(STATE_ACTIONS)),
                                                    journal.pushed_at.is_(None))
                           ).first() is not None


def _kept_fields(session: Session, name: str, local: Any, shadow: SyncShadow) -> list[str]:
    """The node's own changes not accepted by the server yet: their local value stays."""
    mine = shadow_data(name, local)
    kept = [field for field in FIELDS[name] if mine[field] != shadow.data.get(field)]
    if name == "inquiry" and _state_change_pending(session, local.id):
        kept += list(INQUIRY_STATE)
    return kept


class _Batch:
    """What merging a batch's inquiries learns for its values: the server's, and the local edits to keep."""

    def __init__(self, session: Session, tables: dict[str, list[dict]]) -> None:
        self.names = node_values.codes(session) if tables.get("inquiry") else {}
        self.values = node_values.by_inquiry(tables.get("inquiry_value", []), self.names)
        self.protected: set[tuple[int, str]] = set()


def _merge_row(session: Session, name: str, model: Any, row: dict, batch: _Batch) -> dict | None:
    """The row to write, or None when the node has it at this version already (an overlap re-read)."""
    shadow = session.get(SyncShadow, (name, row["id"]))
    local = session.get(model, row["id"], populate_existing=True)
    edits = node_values.local_edits(session, row["id"], shadow) if name == "inquiry" and local else {}
    batch.protected |= {(row["id"], code) for code in edits}
    if shadow is not None and local is not None and row["version"] <= shadow.version:
        return None
    base = shadow_data(name, SimpleNamespace(**row))
    if name == "inquiry":
        base["values"] = node_values.merged_base(batch.values.get(row["id"], {}), edits)
    kept = _kept_fields(session, name, local, shadow) if shadow is not None and local is not None else []
    if shadow is None:
        shadow = SyncShadow(table_name=name, row_id=row["id"], version=row["version"], data=base)
    else:
        shadow.version, shadow.data = row["version"], {**base, **{f: shadow.data.get(f) for f in kept}}
    session.add(shadow)
    if not kept and not edits:
        return row
    # Still changed here: the local values stay, and a version unlike the shadow's marks the row for the diff
    return {**row, **{f: getattr(local, f) for f in kept}, "version": row["version"] + 1}


def _merged(session: Session, name: str, rows: list[dict], batch: _Batch) -> list[dict]:
    written = [_merge_row(session, name, MODELS[name], row, batch) for row in rows]
    return [row for row in written if row is not None]


def apply_batch(session: Session, tables: dict[str, list[dict]]) -> int:
    """Write a pulled batch in the caller's transaction; the number of rows written."""
    count, batch = 0, _Batch(session, tables)
    for name in ORDER:
        if not tables.get(name):
            continue
        table = _table(name)
        rows = drop_dangling(session, table, decode(table, tables[name]))
        if name in MERGED:
            rows = _merged(session, name, rows, batch)
        elif name == "inquiry_value":
            rows = node_values.without_local_edits(rows, batch.protected, batch.names)
        upsert(session, table, rows)
        session.flush()
        session.expire_all()  # the ORM must not keep what the upsert replaced underneath it
        count += len(rows)
    return count
