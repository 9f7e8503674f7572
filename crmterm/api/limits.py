"""Request bodies over the configured size (`api_max_body_kb`) are refused with 413 before they are read
whole: by their Content-Length when given, else as soon as the streamed body passes the limit."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crmterm.i18n import _


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length", b"").decode("latin-1")
        if declared.isdecimal() and int(declared) > self.max_bytes:  # isdecimal: what int() reads
            await self._refuse(send)
            return
        messages = await self._read_within_limit(receive)
        if messages is None:
            await self._refuse(send)
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

    async def _refuse(self, send: Send) -> None:
        detail = _("the request body is larger than {n} KiB").format(n=self.max_bytes // 1024)
        body = json.dumps({"detail": detail, "field": "body"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
