"""What still names a directory entry: every area's `ref` and `refs` fields, read from the registry.

An area's own `in_use` hook knows its special users (inquiries in a queue, routes' steps); this check covers
every other area that refers to it by a declared field, so an area added later (e-mail intake rules, the
response library) is covered the day it declares its fields, and a delete is refused with a name instead of
failing on a foreign key."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from crmterm.i18n import _
from crmterm.services.directory.kinds import FieldSpec, Kind
from crmterm.services.directory.registry import KINDS
from crmterm.store.tables import table_of


def referring_entry(session: Session, kind: Kind, row: Any) -> str | None:
    """"<area> '<code>' refers to it" for the first entry of any area whose field names `row`, else None."""
    for other in KINDS.values():
        for spec in other.fields:
            if spec.ref != kind.name or spec.type not in ("ref", "refs"):
                continue
            code = _referring_code(session, other, spec, row)
            if code is not None:
                return _("{area} '{code}' refers to it").format(area=_(other.label), code=code)
    return None


def _referring_code(session: Session, other: Kind, spec: FieldSpec, row: Any) -> str | None:
    columns = table_of(other.model).c
    if spec.type == "ref":  # an id column, indexed or small: one bounded query
        return session.exec(select(columns.code).where(columns[f"{spec.name}_id"] == row.id).limit(1)).first()
    # a list of codes in a JSON column: configuration tables are small (directory.MAX_ROWS), read in Python
    for code, names in session.exec(select(columns.code, columns[spec.name])).all():
        if row.code in (names or ()):
            return code
    return None
