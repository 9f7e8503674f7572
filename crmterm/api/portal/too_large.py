"""A portal form sent with a body over `api_max_body_kb` (a file too large) answers as a page in the customer's
language, not the API's JSON 413: what went wrong, and a way back to the form. The body is refused before it
is read (that is the limit's point), so nothing typed can be shown again; the page says to go back in the
browser, which keeps what was typed, and links to the form's page too."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response
from starlette.types import Scope

from crmterm.api.portal import web


def back_to(request: Request) -> str:
    """The page the form was on (the Referer's path, only ever one of the portal's), else the portal's start."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.path.startswith(f"{web.PREFIX}/") and referer.netloc in ("", request.url.netloc):
        return referer.path + (f"?{referer.query}" if referer.query else "")
    return f"{web.PREFIX}/"


async def page(scope: Scope, max_bytes: int) -> Response | None:
    """The portal's page for a refused body, or None off the portal (the API answers JSON)."""
    if not str(scope.get("path", "")).startswith(f"{web.PREFIX}/"):
        return None
    request = Request(scope)
    customer = await run_in_threadpool(web.customer_of, request)
    back = back_to(request)
    return await run_in_threadpool(lambda: web.render(request, "too_large.html.j2", status=413, customer=customer,
                                                       limit_kb=max_bytes // 1024, back=back, path=back))
