"""Request bodies over the configured size (`api_max_body_kb`) are refused with 413 before they are read
whole: by their Content-Length when given, else as soon as the streamed body passes the limit. The answer is
the API's JSON, unless `page` gives one of its own for the path (the portal's HTML pages)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crmterm.i18n import _

RefusalPage = Callable[[Scope, int], Awaitable[Response | None]]


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int, page: RefusalPage | None = None) -> None:
        self.app, self.max_bytes, self.page = app, max_bytes, page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length", b"").decode("latin-1")
        if declared.isdecimal() and int(declared) > self.max_bytes:  # isdecimal: what int() reads
            await self._refuse(scope, receive, send)
            return
        messages = await self._read_within_limit(receive)
        if messages is None:
            await self._refuse(scope, receive, send)
            return
        await self.app(scope, self._replay(messages, receive), send)

    async def _read_within_limit(self, receive: Receive) -> list[Message] | None:
        """The body's messages (at most `max_bytes` of body, held in memory), or None past the limit. A lying
        Content-Length cannot get more through: what counts is what arrives."""
        messages, seen = [], 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                return messages  # the client went away: the app sees the disconnect
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                return None
            if not message.get("more_body", False):
                return messages

    @staticmethod
    def _replay(messages: list[Message], receive: Receive) -> Receive:
        async def replayed() -> Message:
            return messages.pop(0) if messages else await receive()
        return replayed

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        page = await self.page(scope, self.max_bytes) if self.page else None
        if page is not None:
            await page(scope, receive, send)
            return
        detail = _("the request body is larger than {n} KiB").format(n=self.max_bytes // 1024)
        body = json.dumps({"detail": detail, "field": "body"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
