"""A portal form sent with a file over `api_max_body_kb` (issue 25 follow-up 3), on SQLite and PostgreSQL: the
customer gets a page in their language with a way back to the form, not the API's JSON 413; the API's own
routes still answer JSON."""

from __future__ import annotations

import re

import httpx
import pytest
from portal_support import SECRET, csrf_of, log_in, text_of

from crmterm.api import create_app
from crmterm.settings import Settings

BIG = b"x" * 3000  # over a limit of 2 KiB


@pytest.fixture(autouse=True)
def _signing_key(monkeypatch):
    monkeypatch.setenv("CRMTERM_PORTAL_SECRET", SECRET)


def _small_client(url: str) -> httpx.AsyncClient:
    app = create_app(Settings(database_url=url, api_max_body_kb=2))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=("10.0.0.1", 40000)),
                             base_url="http://crm")


async def test_a_too_large_file_answers_a_page_in_the_customers_language_with_a_way_back(demo_url):
    async with _small_client(demo_url) as client:
        await log_in(client)
        client.cookies.set("crm_lang", "ru", path="/portal")
        form = await client.get("/portal/requests/new/disputed_charge")
        sent = await client.post("/portal/requests/new/disputed_charge", data={"csrf": csrf_of(form.text),
                                 "text": "Списали дважды"}, files={"files": ("bill.pdf", BIG)},
                                 headers={"referer": "http://crm/portal/requests/new/disputed_charge"})
        assert sent.status_code == 413 and sent.headers["content-type"].startswith("text/html")
        page = text_of(sent.text)
        assert '<html lang="ru">' in sent.text and "Мои обращения" in page and "Мария Соколова" in page  # logged in
        assert re.search(r'role="alert"[^>]*>[^<]*\b2\b', sent.text)  # the limit, in KiB
        assert 'href="/portal/requests/new/disputed_charge"' in sent.text
        api = await client.post("/customers", content=BIG, headers={"content-type": "application/json"})
        assert api.status_code == 413 and api.json()["field"] == "body"


async def test_the_way_back_never_leaves_the_portal(demo_url):
    async with _small_client(demo_url) as client:
        sent = await client.post("/portal/login", content=BIG, headers={"referer": "https://evil.example/portal/x",
                                                                         "accept-language": "en"})
        assert sent.status_code == 413 and "larger than 2 KiB" in text_of(sent.text)
        assert 'href="/portal/"' in sent.text
