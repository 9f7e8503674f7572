"""On a node (a SQLite database with a sync_node row), rows made offline take ids from LOCAL_BASE up, so they
never collide with the server's ids the node stores for pulled rows (store/sync.py says why ids work so).

Registration writes a contact with a plain INSERT and its inquiries through the ORM, so both ways are covered:
a flush gives new objects their id before SQLAlchemy inserts them, and a single-row INSERT executed through a
session gets an id value added. On a database that is not a node nothing happens (one cached look per engine).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, Insert, event, text
from sqlalchemy.orm import ORMExecuteState, Session

# Ids of rows made offline on a node: the last 147 million of the 32-bit id columns (PostgreSQL's integer, which
# the column limits check on both databases); a server numbering two billion rows of one table would need bigint
# ids first. Defined here, not in store/sync.py, so the hook costs every process nothing more than this module.
LOCAL_BASE = 2_000_000_000
OFFLINE_TABLES = frozenset({"contact", "inquiry", "party", "contact_person"})
_nodes: dict[str, bool] = {}  # engine URL -> is a node


def forget_node_answer(engine: Engine) -> None:
    """After `sync init` made this database a node (or a test dropped it)."""
    _nodes.pop(str(engine.url), None)


def _is_node(session: Session) -> bool:
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    key = str(engine.url)
    if key not in _nodes:
        if engine.dialect.name != "sqlite":
            _nodes[key] = False  # nodes are laptops' SQLite files; the server never renumbers
        else:
            connection = session.connection()
            has_table = connection.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'sync_node'")).first()
            _nodes[key] = bool(has_table and connection.execute(text("SELECT 1 FROM sync_node")).first())
    return _nodes[key]


def _next_id(session: Session, table: str, taken: dict[str, int]) -> int:
    if table not in taken:
        highest = session.connection().execute(text(f"SELECT max(id) FROM {table}")).scalar()  # noqa: S608
        taken[table] = max(LOCAL_BASE - 1, highest or 0)
    taken[table] += 1
    return taken[table]


@event.listens_for(Session, "before_flush")
def _offline_ids_for_new_rows(session: Session, _context: Any, _instances: Any) -> None:
    new = [obj for obj in session.new if getattr(obj, "__tablename__", None) in OFFLINE_TABLES
           and getattr(obj, "id", 0) is None]
    if new and _is_node(session):
        taken: dict[str, int] = {}
        for obj in new:
            obj.id = _next_id(session, obj.__tablename__, taken)  # new: not in the identity map yet


@event.listens_for(Session, "do_orm_execute")
def _offline_ids_for_inserts(state: ORMExecuteState) -> None:
    statement = state.statement
    if not (state.is_insert and isinstance(statement, Insert)):
        return
    table = getattr(statement.table, "name", None)
    values = getattr(statement, "_values", None)  # a single-row .values(row); executemany rows are not renumbered
    if table not in OFFLINE_TABLES or not values or "id" in {getattr(k, "key", k) for k in values}:
        return
    if _is_node(state.session):
        state.statement = statement.values(id=_next_id(state.session, table, {}))


# A node's inquiry events are a copy of the server's, which keeps the append-only record (migration 0019): the
# events of an offline registration are dropped once the server has numbered it and made its own.
NODE_DROPS = ("DROP TRIGGER IF EXISTS inquiry_event_append_only_delete",)


def become_node(session: Session) -> None:
    """The schema changes that make a SQLite database a node (sync init), then the cached answer is dropped."""
    connection = session.connection()
    for statement in NODE_DROPS:
        connection.execute(text(statement))
    forget_node_answer(connection.engine)
