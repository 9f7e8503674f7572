"""`/health`: the server answers and its database too (no token: monitoring asks it)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from crmterm.api.deps import settings_of
from crmterm.services.platform import health

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    database: str


@router.get("/health", response_model=Health, responses={503: {"model": Health}})
def check(request: Request) -> JSONResponse:
    ok = health.database_ok(settings_of(request).database_url)
    body = {"status": "ok" if ok else "degraded", "database": "ok" if ok else "unavailable"}
    return JSONResponse(body, status_code=200 if ok else 503)
