"""Dependencies of every route: the caller from the bearer token, and a door to the services that runs each
call in one transaction as that caller (writes: scope checked first, audited with the token's name)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from crmterm.errors import AuthenticationFailed
from crmterm.i18n import _
from crmterm.services.accounts import tokens
from crmterm.services.accounts.tokens import ApiCaller
from crmterm.services.platform.transactions import in_transaction
from crmterm.settings import Settings

T = TypeVar("T")
_bearer = HTTPBearer(auto_error=False, description="A token of `crmterm token create LOGIN --name NAME`.")


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


@dataclass
class Services:
    settings: Settings
    caller: ApiCaller
    method: str
    path: str

    def read(self, service: Callable[..., T], /, **kwargs: Any) -> T:
        """`service(session=…, actor=…, **kwargs)` in one transaction, as the token's user."""
        actor = self.caller.actor
        return in_transaction(self.settings.database_url,
                              lambda session: service(session=session, actor=actor, **kwargs))

    def write(self, service: Callable[..., T], /, **kwargs: Any) -> T:
        """Like `read`, for a change: refused to a read-only token; the audit row goes in the same transaction."""
        tokens.require_write_scope(self.caller)
        return in_transaction(self.settings.database_url, lambda session: self._audited(session, service, kwargs))

    def _audited(self, session: Any, service: Callable[..., T], kwargs: dict) -> T:
        result = service(session=session, actor=self.caller.actor, **kwargs)
        tokens.record_api_write(session, self.caller, self.method, self.path)
        return result


def services(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> Services:
    """401 without a valid `Authorization: Bearer …`; the role and scope are checked later, per call."""
    if credentials is None:
        raise AuthenticationFailed(_("no API token: send Authorization: Bearer TOKEN"))
    settings = settings_of(request)
    secret = credentials.credentials
    caller = in_transaction(settings.database_url, lambda session: tokens.authenticate(session, secret))
    return Services(settings, caller, request.method, request.url.path)
