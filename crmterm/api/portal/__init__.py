"""The customer self-service portal's web pages, mounted at /portal beside the API (`crmterm serve`):
server-rendered HTML (crmterm/templates/portal), plain forms that work without JavaScript.

Pages: the public knowledge base (kb_pages), log-in and PIN (login_pages), my inquiries (inquiry_pages), a new
request (request_pages), self-service operations (service_pages); web holds what they share (templates,
language, signed session cookie, CSRF). Domain errors on these paths answer as HTML pages, not the API's JSON.
"""

from __future__ import annotations

import inspect
from importlib import resources

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response

from crmterm.api.portal import inquiry_pages, kb_pages, login_pages, request_pages, service_pages, web
from crmterm.errors import CrmError, NotFound, ValidationError
from crmterm.i18n import _

router = APIRouter(prefix=web.PREFIX, include_in_schema=False)
for _pages in (kb_pages, login_pages, inquiry_pages, request_pages, service_pages):
    router.include_router(_pages.router)


@router.get("/static/portal.css")
def stylesheet() -> Response:
    css = (resources.files("crmterm") / "templates" / "portal" / "portal.css").read_text(encoding="utf-8")
    return Response(css, media_type="text/css", headers={"Cache-Control": "max-age=3600"})


def _as_domain_error(error: RequestValidationError) -> CrmError:
    """FastAPI's check of a portal request as the portal's own error: a bad id in the path is a missing page
    (an id beyond the database's range included), a bad form field a message."""
    first = (error.errors() or [{}])[0]
    where = [str(part) for part in first.get("loc", ())]
    if where[:1] == ["path"]:  # the same page as for a missing inquiry or file
        kinds = {"inquiry_id": _("Inquiry"), "attachment_id": _("Attachment")}
        return NotFound(kinds.get(where[-1], _("Page")), first.get("input", ""))
    return ValidationError(where[-1] if where else None, _("invalid value"))


def install(app: FastAPI) -> None:
    """Mount the pages; errors under /portal become pages, the API's stay JSON."""
    api_handlers = {kind: app.exception_handlers[kind] for kind in (CrmError, RequestValidationError)}

    async def as_page(request: Request, error: Exception) -> Response:
        if request.url.path.startswith(web.PREFIX) and isinstance(error, RequestValidationError):
            return web.error_page(request, _as_domain_error(error))
        if request.url.path.startswith(web.PREFIX) and isinstance(error, CrmError):
            return web.error_page(request, error)
        handler = api_handlers[RequestValidationError if isinstance(error, RequestValidationError) else CrmError]
        answer = handler(request, error)
        return await answer if inspect.isawaitable(answer) else answer

    async def login_needed(_request: Request, _error: Exception) -> Response:
        return web.redirect(f"{web.PREFIX}/login")

    app.add_exception_handler(CrmError, as_page)
    app.add_exception_handler(RequestValidationError, as_page)
    app.add_exception_handler(web.LoginNeeded, login_needed)
    app.include_router(router)
