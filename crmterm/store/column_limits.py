"""Every value written through the ORM fits the column the schema declares — checked here, the same on both
databases, before the database sees it.

PostgreSQL refuses a VARCHAR(64) value of 100,000 characters, a NUMERIC(12, 2) of 15 digits and an INTEGER
beyond 32 bits; SQLite stores all of them. So a hook runs before every flush, reads the limits from the table
metadata (no hand-kept list: a new column is covered the day it is declared) and refuses a value that does not
fit with a ValidationError naming the field. Texts and JSON without a declared length get the upper bound of
`text_max_chars` (settings). Core bulk inserts (customer import) call `check_columns` on their rows.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Float, Integer, Numeric, SmallInteger, String, event, inspect
from sqlalchemy.orm import Session
from sqlalchemy.schema import Table
from sqlalchemy.types import TypeDecorator, TypeEngine

from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.settings import text_max_chars
from crmterm.store.decimals import BadDecimal, DecimalLimits, checked_decimal

_INTEGER_BITS = ((BigInteger, 63), (SmallInteger, 15), (Integer, 31))  # subclasses first


def check_value(column: Column, value: Any, *, field: str | None = None) -> None:
    """Raise ValidationError(field) when `value` does not fit `column` (None and SQL expressions pass)."""
    field = field or column.key
    kind = column_type(column)
    if value is None:
        return
    if isinstance(kind, String) and isinstance(value, str):
        _check_length(field, len(value), kind.length or text_max_chars())
    elif isinstance(kind, JSON) and not isinstance(value, str):
        _check_length(field, len(json.dumps(value, default=str, ensure_ascii=False)), text_max_chars())
    elif isinstance(kind, Numeric) and not isinstance(kind, Float) and kind.precision is not None:
        _check_numeric(field, column, value)
    elif isinstance(kind, Float) and isinstance(value, float) and not math.isfinite(value):
        raise ValidationError(field, _("expected a number, e.g. 1250.50"))
    elif isinstance(kind, Integer) and isinstance(value, int) and not isinstance(value, bool):
        bits = next(n for cls, n in _INTEGER_BITS if isinstance(kind, cls))
        if not -(2 ** bits) <= value < 2 ** bits:
            raise ValidationError(field, _("a number is out of range"))


def column_type(column: Column) -> TypeEngine:
    """The type the database sees: SQLModel's AutoString(64) wraps a String(64)."""
    kind = column.type
    return kind.impl_instance if isinstance(kind, TypeDecorator) else kind


def _check_length(field: str, length: int, limit: int) -> None:
    if length > limit:
        raise ValidationError(field, _("at most {n} characters").format(n=limit))


def _check_numeric(field: str, column: Column, value: Any) -> None:
    if not isinstance(value, int | float | Decimal) or isinstance(value, bool):
        return  # an SQL expression, computed by the database
    try:
        checked_decimal(value, DecimalLimits.of_column(column))
    except BadDecimal as error:
        raise ValidationError(field, str(error)) from None


def check_columns(table: Table, row: Mapping[str, Any]) -> None:
    """Every value of a row for a Core insert (a bulk path that skips the ORM's flush)."""
    for name, value in row.items():
        if name in table.c:
            check_value(table.c[name], value)


def check_object(instance: Any, *, changed_only: bool) -> None:
    """The mapped columns of one ORM object; of an updated object only the attributes that changed (a row
    stored before these checks may hold an over-long value nobody is touching)."""
    state = inspect(instance)
    for key, column in _checked_columns(state.mapper):
        if changed_only and not state.attrs[key].history.added:
            continue
        check_value(column, getattr(instance, key), field=key)


_LIMITED = (String, JSON, Numeric, Integer)  # the types check_value checks (Float is a Numeric)
_COLUMNS: dict[Any, tuple[tuple[str, Column], ...]] = {}  # per mapper: a flush is on every hot path


def _checked_columns(mapper: Any) -> tuple[tuple[str, Column], ...]:
    """(attribute, column) of the mapper's columns whose type has a limit; found once per mapper."""
    found = _COLUMNS.get(mapper)
    if found is None:
        found = _COLUMNS[mapper] = tuple((attribute.key, column) for attribute in mapper.column_attrs
                                         for column in attribute.columns
                                         if isinstance(column, Column) and isinstance(column_type(column), _LIMITED))
    return found


def _objects(session: Session) -> Iterable[tuple[Any, bool]]:
    yield from ((instance, False) for instance in session.new)
    yield from ((instance, True) for instance in session.dirty)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context, _instances) -> None:
    for instance, changed_only in _objects(session):
        check_object(instance, changed_only=changed_only)
