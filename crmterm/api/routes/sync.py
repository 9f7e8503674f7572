"""`/sync`: offline laptops (nodes) pull what their user needs and push what was done offline
(services/sync/server_pull, server_push; `crmterm sync` is the client). Needs the permission sync.use."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import Field

from crmterm.api.deps import Services, services
from crmterm.api.errors import ERRORS
from crmterm.api.routes._shapes import Body
from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.sync import server_pull, server_push

router = APIRouter(prefix="/sync", tags=["sync"], responses=ERRORS)


class Change(Body):
    change_id: Annotated[str, Field(min_length=8, max_length=36)]
    table: Annotated[str, Field(max_length=32)]
    row_id: int
    op: Annotated[str, Field(pattern="^(update|action|create)$")]
    field: Annotated[str, Field(max_length=64)] | None = None
    old: Any = None
    new: Any = None
    base_version: int | None = None
    local_ref: Annotated[str, Field(max_length=40)] | None = None


class PushIn(Body):
    changes: Annotated[list[Change], Field(max_length=server_push.MAX_BATCH)]


@router.get("/pull")
def pull(watermarks: Annotated[str, Query(max_length=4000, description="The previous answer's, as JSON.")] = "{}",
         scope: Annotated[str, Query(pattern="^(mine|territory|all)$")] = "mine",
         limit: Annotated[int, Query(ge=1, le=5000)] = 500,
         max_rows: Annotated[int, Query(ge=1, le=1_000_000)] = server_pull.DEFAULT_MAX_ROWS,
         api: Services = Depends(services)) -> dict[str, Any]:
    """One batch of changes past the watermarks: configuration when it changed, then customers, contact
    persons and inquiries of the token user's scope; ask again while `more` is true. Reads only (a GET)."""
    return api.read(server_pull.pull, watermarks=_marks(watermarks), scope=scope, limit=limit, max_rows=max_rows)


def _marks(text: str) -> dict[str, Any]:
    try:
        marks = json.loads(text)
    except ValueError:
        marks = None
    if not isinstance(marks, dict):
        raise ValidationError("watermarks", _("a JSON object, as the previous answer gave it"))
    return marks


@router.post("/push")
def push(body: PushIn, api: Services = Depends(services)) -> dict[str, Any]:
    """Apply a node's changes; one answer per change (applied, same, conflict with `theirs`, refused with
    `message`, or a registration's server numbers). Safe to resend: a change id is applied once."""
    answers = api.write(server_push.push, changes=[change.model_dump() for change in body.changes])
    return {"results": answers}
