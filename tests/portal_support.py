"""What the portal tests share: an httpx client over ASGI on a test database, the CSRF token of a page, the
demo customer's log-in, and the one-time code read back from the notification outbox."""

from __future__ import annotations

import re

import httpx
from sqlmodel import col, select

from crmterm.api import create_app
from crmterm.services.portal import demo
from crmterm.settings import Settings
from crmterm.store import Notification
from crmterm.store.db import unit_of_work

SECRET = "portal-test-signing-key"


def portal_client(url: str, *, https: bool = False, address: str = "10.0.0.1") -> httpx.AsyncClient:
    app = create_app(Settings(database_url=url))
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url=f"{'https' if https else 'http'}://crm")


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]*)"', page).group(1)


async def log_in(client: httpx.AsyncClient, login: str = demo.PHONE, pin: str = demo.PIN) -> httpx.Response:
    form = await client.get("/portal/login")
    return await client.post("/portal/login", data={"csrf": csrf_of(form.text), "login": login, "pin": pin})


def codes_sent(url: str) -> list[tuple[str, str]]:
    """(address, code) of every log-in code in the outbox, oldest first."""
    with unit_of_work(url) as session:
        rows = session.exec(select(Notification.address, Notification.body)
                            .where(col(Notification.dedupe_key).startswith("portal_code:"))
                            .order_by(col(Notification.id))).all()
    return [(address or "", re.search(r"\b(\d{6})\b", body).group(1)) for address, body in rows]


def text_of(page: str) -> str:
    """The page's words without tags (what a reader sees)."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())
