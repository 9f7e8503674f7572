"""The node's transport to the server's API: JSON over HTTP with the node's bearer token (httpx), counting the
bytes each way. A connection that cannot be made or breaks is SyncUnreachable (the node goes on offline);
an answer with an error status is the server's one-line error (a wrong token, a refused role)."""

from __future__ import annotations

import json
from typing import Any

import httpx

from crmterm.errors import AuthenticationFailed, CrmError, PermissionDenied
from crmterm.i18n import _
from crmterm.services.sync.node import SyncUnreachable

TIMEOUT = httpx.Timeout(60.0, connect=10.0)


class HttpTransport:
    def __init__(self, server_url: str, token: str, *, client: httpx.Client | None = None) -> None:
        self.base = server_url.rstrip("/")
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.client = client or httpx.Client(timeout=TIMEOUT)
        self.bytes_up = 0
        self.bytes_down = 0

    def get(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        request = self.client.build_request("GET", self.base + path, params=params, headers=self.headers)
        self.bytes_up += len(str(request.url))
        return self._send(request)

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        content = json.dumps(body, separators=(",", ":")).encode("utf-8")
        self.bytes_up += len(content)
        return self._send(self.client.build_request("POST", self.base + path, content=content, headers=self.headers))

    def _send(self, request: httpx.Request) -> dict[str, Any]:
        try:
            response = self.client.send(request)
        except httpx.TransportError as error:
            raise SyncUnreachable(_("server unreachable: {url}: {error}").format(
                url=self.base, error=str(error) or type(error).__name__)) from None
        self.bytes_down += len(response.content)
        if response.status_code >= 400:
            raise _error_of(response)
        return response.json()

    def close(self) -> None:
        self.client.close()


def _error_of(response: httpx.Response) -> CrmError:
    try:
        detail = str(response.json().get("detail") or response.text)
    except ValueError:
        detail = response.text.strip()[:200] or response.reason_phrase
    message = _("server: {status} {detail}").format(status=response.status_code, detail=detail)
    if response.status_code == 401:
        return AuthenticationFailed(message)
    if response.status_code == 403:
        return PermissionDenied(message)
    return CrmError(message)
