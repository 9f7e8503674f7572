"""Typed doors to what SQLModel leaves untyped: a model's Table and the row count of an UPDATE or DELETE."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Result, Table
from sqlalchemy import inspect as sa_inspect
from sqlmodel import SQLModel


def table_of(model: type[SQLModel]) -> Table:
    """The model's Table (`Model.__table__`, which SQLModel does not declare to type checkers)."""
    return cast(Table, sa_inspect(model).local_table)


def rowcount(result: Result[Any]) -> int:
    """Rows an UPDATE or DELETE matched: SQLModel types `Session.execute` as a plain Result, which has no
    rowcount; for those statements SQLAlchemy returns a CursorResult, which has."""
    return cast(CursorResult[Any], result).rowcount
