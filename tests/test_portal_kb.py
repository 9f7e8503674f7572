"""The portal's public knowledge base (issue 25 item 1), on SQLite and PostgreSQL: search ranked as agents'
search, public approved articles only, "did this help?" feeding the usage counts, no log-in needed."""

from __future__ import annotations

import re

import pytest
from helpers import act
from portal_support import SECRET, csrf_of, portal_client, text_of

from crmterm.services.accounts.permissions import SYSTEM
from crmterm.services.knowledge import kb, kb_search


@pytest.fixture(autouse=True)
def _signing_key(monkeypatch):
    monkeypatch.setenv("CRMTERM_PORTAL_SECRET", SECRET)


async def test_search_shows_public_articles_in_the_agents_order_and_a_read_counts(demo_url):
    ranked = [h.slug for h in act(demo_url, kb_search.search, SYSTEM, query="roaming", statuses=["approved"])
              if h.visibility == "public"]
    async with portal_client(demo_url) as client:
        found = await client.get("/portal/", params={"q": "roaming"})
        page = await client.get(f"/portal/kb/{ranked[0]}", params={"lang": "ru"})
    slugs = list(dict.fromkeys(re.findall(r'href="/portal/kb/([\w-]+)\?', found.text)))
    assert found.status_code == 200 and slugs == list(dict.fromkeys(ranked))[:len(slugs)] and slugs
    assert page.status_code == 200 and page.headers["content-security-policy"].startswith("default-src 'self'")
    assert '<article lang="ru">' in page.text and "Did this help?" in page.text  # the Russian text, English page
    assert act(demo_url, kb.get_article, SYSTEM, key=ranked[0]).opened == 1


async def test_internal_and_unapproved_articles_are_not_found(demo_url):
    internal = next(h for h in act(demo_url, kb_search.search, SYSTEM, query="roaming abroad", statuses=["approved"])
                    if h.visibility == "internal")
    async with portal_client(demo_url) as client:
        listed = await client.get("/portal/", params={"q": "roaming abroad"})
        page = await client.get(f"/portal/kb/{internal.slug}")
        by_id = await client.get(f"/portal/kb/{internal.article_id}")
    assert f"/portal/kb/{internal.slug}?" not in listed.text
    assert page.status_code == 404 and by_id.status_code == 404
    assert act(demo_url, kb.get_article, SYSTEM, key=internal.slug).opened == 0


async def test_did_this_help_counts_yes_and_needs_the_forms_token(demo_url):
    slug = "roaming-activation"
    async with portal_client(demo_url) as client:
        page = await client.get(f"/portal/kb/{slug}", headers={"accept-language": "en"})
        forged = await client.post(f"/portal/kb/{slug}/helpful", data={"csrf": "guess", "answer": "yes"})
        voted = await client.post(f"/portal/kb/{slug}/helpful", data={"csrf": csrf_of(page.text), "answer": "yes"})
        declined = await client.post(f"/portal/kb/{slug}/helpful", data={"csrf": csrf_of(page.text), "answer": "no"})
    assert forged.status_code == 403
    assert voted.status_code == 200 and "Thank you for your answer." in text_of(voted.text)
    assert declined.status_code == 200
    article = act(demo_url, kb.get_article, SYSTEM, key=slug)
    assert article.helpful == 1 and article.usage_score > 0


async def test_the_language_follows_the_browser_then_the_customers_choice_without_open_redirects(demo_url):
    async with portal_client(demo_url) as client:
        browser_ru = await client.get("/portal/", headers={"accept-language": "ru-RU,ru;q=0.9,en;q=0.5"})
        chosen = await client.get("/portal/language/en", params={"back": "/portal/kb/roaming-prices"})
        kept = await client.get("/portal/", headers={"accept-language": "ru"})
        away = await client.get("/portal/language/ru", params={"back": "//evil.example/x"})
    assert '<html lang="ru">' in browser_ru.text
    assert chosen.status_code == 303 and chosen.headers["location"] == "/portal/kb/roaming-prices"
    assert '<html lang="en">' in kept.text
    assert away.headers["location"] == "/portal/"
