"""Typed doors to what SQLModel leaves untyped: a model's Table, the row count of an UPDATE or DELETE, a saved id;
and the INSERT … ON CONFLICT of the session's database."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, Protocol, cast

from sqlalchemy import ColumnElement, CursorResult, Result, Table
from sqlalchemy import inspect as sa_inspect
from sqlmodel import Session, SQLModel


def table_of(model: type[SQLModel]) -> Table:
    """The model's Table (`Model.__table__`, which SQLModel does not declare to type checkers)."""
    return cast(Table, sa_inspect(model).local_table)


def rowcount(result: Result[Any]) -> int:
    """Rows an UPDATE or DELETE matched: SQLModel types `Session.execute` as a plain Result, which has no
    rowcount; for those statements SQLAlchemy returns a CursorResult, which has."""
    return cast(CursorResult[Any], result).rowcount


class _Saved(Protocol):
    @property
    def id(self) -> int | None: ...


def saved_id(row: _Saved) -> int:
    """The id of a row read from or flushed to the database: SQLModel declares `id: int | None` because a
    row has none before its first flush, so a caller that knows better says so here."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id before it is flushed")
    return row.id


def id_column(model: type[SQLModel]) -> ColumnElement[int]:
    """A model's id column typed as what a query over saved rows reads: never NULL (SQLModel declares the
    attribute `int | None`, so `select(Model.id, …)` rows would say every id may be missing)."""
    return cast(ColumnElement[int], table_of(model).c.id)


def upsert_insert(session: Session) -> Callable[..., Any]:
    """`insert` of the session's dialect (sqlite or postgresql), which has ON CONFLICT. Looked up by name: the
    other dialect's module costs every command on this database its import time (issue 23 item 3)."""
    return importlib.import_module(f"sqlalchemy.dialects.{session.get_bind().dialect.name}").insert
