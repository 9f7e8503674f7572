"""Inquiry attribute values on a node, merged like fields but by attribute code: the shadow of an inquiry keeps
the server's values under "values"; a value the node changed and has not had accepted stays, and the pulled
row that would overwrite it is left out, until the server takes it or the conflict is resolved."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from crmterm.services.sync.registrations import inquiry_values
from crmterm.store import AttributeDef
from crmterm.store.sync import SyncShadow


def codes(session: Session) -> dict[int, str]:
    return {row_id: code for row_id, code in session.exec(select(AttributeDef.id, AttributeDef.code)) if row_id}


def by_inquiry(rows: list[dict], names: dict[int, str]) -> dict[int, dict[str, str]]:
    """The pulled values of a batch, per inquiry, by code."""
    found: dict[int, dict[str, str]] = {}
    for row in rows:
        if row["attribute_id"] in names:
            found.setdefault(row["inquiry_id"], {})[names[row["attribute_id"]]] = row["value"]
    return found


def local_edits(session: Session, inquiry_id: int, shadow: SyncShadow | None) -> dict[str, Any]:
    """The codes whose local value differs from the shadow's, with the shadow's (base) value."""
    if shadow is None:
        return {}
    base, mine = shadow.data.get("values") or {}, inquiry_values(session, inquiry_id)
    return {code: base.get(code) for code in set(base) | set(mine) if base.get(code) != mine.get(code)}


def merged_base(server: dict[str, str], edits: dict[str, Any]) -> dict[str, Any]:
    """The new shadow values: the server's, but the base of a local edit stays (the push needs it as `old`)."""
    return {**server, **edits}


def without_local_edits(rows: list[dict], protected: set[tuple[int, str]], names: dict[int, str]) -> list[dict]:
    return [row for row in rows if (row["inquiry_id"], names.get(row["attribute_id"], "")) not in protected]
