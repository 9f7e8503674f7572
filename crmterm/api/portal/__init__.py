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
from fastapi.responses import Response

from crmterm.api.portal import inquiry_pages, kb_pages, login_pages, request_pages, service_pages, web
from crmterm.errors import CrmError

router = APIRouter(prefix=web.PREFIX, include_in_schema=False)
for _pages in (kb_pages, login_pages, inquiry_pages, request_pages, service_pages):
    router.include_router(_pages.router)


@router.get("/static/portal.css")
def stylesheet() -> Response:
    css = (resources.files("crmterm") / "templates" / "portal" / "portal.css").read_text(encoding="utf-8")
    return Response(css, media_type="text/css", headers={"Cache-Control": "max-age=3600"})


def install(app: FastAPI) -> None:
    """Mount the pages; errors under /portal become pages, the API's stay JSON."""
    api_handler = app.exception_handlers[CrmError]

    async def crm_error(request: Request, error: Exception) -> Response:
        if request.url.path.startswith(web.PREFIX) and isinstance(error, CrmError):
            return web.error_page(request, error)
        answer = api_handler(request, error)
        return await answer if inspect.isawaitable(answer) else answer

    async def login_needed(_request: Request, _error: Exception) -> Response:
        return web.redirect(f"{web.PREFIX}/login")

    app.add_exception_handler(CrmError, crm_error)
    app.add_exception_handler(web.LoginNeeded, login_needed)
    app.include_router(router)
