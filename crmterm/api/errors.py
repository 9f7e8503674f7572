"""One mapping from the domain errors (crmterm/errors.py) to HTTP, so routes hold no try/except. The body is
always `{"detail": "…", "field": …}`: the CLI's one-line message (its `error: …` without the prefix) and, for
bad input, where it was. Bad input is never a 500: a 500 means a bug."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException

from crmterm.errors import (
    AuthenticationFailed,
    ConfigError,
    Conflict,
    CrmError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from crmterm.services.platform.transactions import DatabaseBusy

STATUS: list[tuple[type[CrmError], int]] = [
    (AuthenticationFailed, 401), (PermissionDenied, 403), (NotFound, 404), (Conflict, 409), (DatabaseBusy, 503),
    (ValidationError, 422), (ConfigError, 422),
]


class Problem(BaseModel):
    """What every error answers (documented in the OpenAPI schema)."""

    detail: str
    field: str | None = None


def problem(status: int, detail: str, field: str | None = None, headers: dict | None = None) -> JSONResponse:
    if status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
    return JSONResponse({"detail": detail, "field": field}, status_code=status, headers=headers)


def _crm_error(_request: Request, error: Exception) -> JSONResponse:
    status = next((code for kind, code in STATUS if isinstance(error, kind)), 422)
    return problem(status, str(error), getattr(error, "field", None))


def _request_invalid(_request: Request, error: Exception) -> JSONResponse:
    """FastAPI's checks of the path, query, headers and body: the first problem, with its path (`body.name`)."""
    first = (error.errors() if isinstance(error, RequestValidationError) else [{}])[0] or {}
    where = ".".join(str(part) for part in first.get("loc", ()))
    message = str(first.get("msg", "invalid request")).splitlines()[0][:200]
    return problem(422, f"{where}: {message}" if where else message, where or None)


def _http(_request: Request, error: Exception) -> JSONResponse:
    status = error.status_code if isinstance(error, HTTPException) else 500
    detail = error.detail if isinstance(error, HTTPException) else "error"
    return problem(status, str(detail), headers=getattr(error, "headers", None))


def _database(_request: Request, error: Exception) -> JSONResponse:
    """Errors the database raised for values no service check caught (as the CLI's `error: database: …`)."""
    orig = str(getattr(error, "orig", error)).strip().splitlines()
    detail = "database: " + (orig[0] if orig else type(error).__name__)
    status = 503 if isinstance(error, OperationalError) else 409 if isinstance(error, IntegrityError) else 422
    return problem(status, detail)


def install(app: FastAPI) -> None:
    app.add_exception_handler(CrmError, _crm_error)
    app.add_exception_handler(RequestValidationError, _request_invalid)
    app.add_exception_handler(HTTPException, _http)
    for kind in (DataError, IntegrityError, OperationalError):
        app.add_exception_handler(kind, _database)


# For `responses=` of routes: what the error statuses answer, in the schema.
ERRORS: dict[int | str, dict] = {code: {"model": Problem} for code in (401, 403, 404, 409, 422)}
