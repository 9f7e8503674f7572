"""One change a node pushes, in the shape both sides share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from crmterm.store.sync import LOCAL_BASE


@dataclass(frozen=True)
class Change:
    table: str
    row_id: int
    op: str  # update | action | create
    field: str | None
    old: Any
    new: Any
    base_version: int | None
    local_ref: str | None = None


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def local_ref(row_id: int) -> str:
    return f"L-{row_id - LOCAL_BASE}"


