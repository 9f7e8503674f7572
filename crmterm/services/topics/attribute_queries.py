"""Running the list queries admins configure (the `list_queries` area) that fill `query` attributes.

A query's parameters come from the form's context (the chosen customer, the topic, the contact), never from
SQL typed at run time: definitions are compiled by list_query_compiler from the catalogue. Each run is bounded
in rows and in time (settings.list_query_ms): PostgreSQL cancels it by statement_timeout, SQLite by a progress
handler; both inside a savepoint, so a cancelled list leaves the caller's transaction usable and the form gets
an error next to the field instead of waiting."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from crmterm.errors import CrmError, ValidationError
from crmterm.i18n import _
from crmterm.services.topics.list_query_compiler import check_definition, compile_query, render
from crmterm.settings import list_query_ms
from crmterm.store import AttributeDef, ListQuery

DEFINITION_FIELDS = ("entity", "filters", "value_field", "label", "order", "limit")
_SQLITE_STEPS = 1000  # virtual-machine steps between two looks at the clock (microseconds apart)


class ListQueryFailed(CrmError):
    """A list query that failed or ran out of time: shown next to the attribute, the form stays usable."""


def definition_of(session: Session, code: str) -> dict:
    row = session.exec(select(ListQuery).where(col(ListQuery.code) == code)).first()
    if row is None or not row.active:
        raise ListQueryFailed(_("list query '{code}' is not configured or not active").format(code=code))
    return {name: getattr(row, name) for name in DEFINITION_FIELDS}


def run(session: Session, name: str, params: dict, time_limit_ms: int | None = None) -> list[tuple[str, str]]:
    """(value, label) pairs of the configured query `name`; ListQueryFailed when it fails or takes too long."""
    return run_definition(session, definition_of(session, name), params, time_limit_ms)


def run_definition(session: Session, definition: dict, params: dict,
                   time_limit_ms: int | None = None) -> list[tuple[str, str]]:
    try:
        query = compile_query(check_definition(definition), params)
    except ValidationError as error:  # a definition stored before the catalogue changed, a bad parameter
        raise ListQueryFailed(_("the list query is not valid: {e}").format(e=error)) from None
    if query is None:
        return []
    limit_ms = time_limit_ms or list_query_ms()
    try:
        with session.begin_nested():
            rows = _bounded(session, query, limit_ms)
    except SQLAlchemyError as error:
        raise _failure(error, limit_ms) from None
    return render(definition, rows)


def _bounded(session: Session, query: Any, limit_ms: int) -> list[Any]:
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        before = connection.execute(text("SHOW statement_timeout")).scalar_one()
        connection.execute(text("SELECT set_config('statement_timeout', :ms, true)"), {"ms": str(limit_ms)})
        rows = list(connection.execute(query).all())
        connection.execute(text("SELECT set_config('statement_timeout', :ms, true)"), {"ms": before})
        return rows
    sqlite = connection.connection.driver_connection
    assert sqlite is not None  # a live connection: the statement above opened it
    deadline = time.monotonic() + limit_ms / 1000
    sqlite.set_progress_handler(lambda: int(time.monotonic() > deadline), _SQLITE_STEPS)
    try:
        return list(connection.execute(query).all())
    finally:
        sqlite.set_progress_handler(None, 0)


def _failure(error: SQLAlchemyError, limit_ms: int) -> ListQueryFailed:
    original = getattr(error, "orig", None)
    cancelled = getattr(original, "sqlstate", None) == "57014" or "interrupted" in str(original)
    if cancelled:
        return ListQueryFailed(_("the list took longer than {ms} ms; try again or ask an admin").format(ms=limit_ms))
    return ListQueryFailed(_("the list could not be read: {e}").format(e=str(original or error).splitlines()[0]))


def used_by(session: Session, row: ListQuery) -> str | None:
    """The area's in_use hook: an attribute whose values come from the query keeps it from being deleted."""
    code = session.exec(select(AttributeDef.code).where(col(AttributeDef.query) == row.code).limit(1)).first()
    return _("attribute '{code}' takes its values from it").format(code=code) if code else None
