"""What the API tests share: an app on a test database, an httpx client over ASGI, tokens made by the service."""

from __future__ import annotations

import httpx

from crmterm.api import create_app
from crmterm.services.accounts import tokens
from crmterm.services.accounts.permissions import SYSTEM
from crmterm.settings import Settings
from crmterm.store.db import unit_of_work


def token_for(url: str, login: str, scope: str = "write", name: str | None = None) -> str:
    with unit_of_work(url) as session:
        made = tokens.create_token(session=session, actor=SYSTEM, login=login, name=name or f"{login}-{scope}",
                                   scope=scope)
    return made.token


def client_for(url: str, token: str | None = None, **settings) -> httpx.AsyncClient:
    app = create_app(Settings(database_url=url, **settings))
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://crm", headers=headers)
