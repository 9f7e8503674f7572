"""Per-request languages (issue 25 follow-up 1): a server answering customers in English and Russian at the same
time gives each their own language, and leaves the process's language (the TUI's, the CLI's) alone."""

from __future__ import annotations

import asyncio
import threading
from datetime import date

import pytest
from portal_support import SECRET, portal_client

from crmterm.i18n import _, current_language, fmt_date, language_for_request, ngettext, set_language

ROUNDS = 300


def test_two_threads_in_different_languages_each_keep_their_own():
    def seen() -> tuple[str, str]:
        return _("Article"), fmt_date(date(2026, 11, 20))

    expected = {"en": ("Article", "Nov 20, 2026"), "ru": ("Статья", "20 нояб. 2026\u202fг.")}
    start, wrong = threading.Barrier(2), []

    def serve(language: str) -> None:
        start.wait()
        for _round in range(ROUNDS):
            with language_for_request(language):
                if seen() != expected[language] or current_language() != language:
                    wrong.append((language, seen()))

    workers = [threading.Thread(target=serve, args=(code,)) for code in ("en", "ru")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert wrong == []


def test_the_override_ends_with_its_block_and_the_process_language_stays_the_default():
    set_language("en")
    with language_for_request("ru"):
        assert ngettext("{n} change", "{n} changes", 5) != "{n} changes"
    assert current_language() == "en"


@pytest.fixture()
def _signing_key(monkeypatch):
    monkeypatch.setenv("CRMTERM_PORTAL_SECRET", SECRET)


@pytest.mark.usefixtures("_signing_key")
async def test_concurrent_portal_requests_in_english_and_russian_get_their_own_messages(demo_url):
    set_language("en")
    async with portal_client(demo_url) as client:
        async def missing(language: str):
            return await client.get("/portal/kb/no-such-article", headers={"accept-language": language})

        for _round in range(10):
            pages = await asyncio.gather(*(missing(code) for code in ("ru", "en") * 3))
            for page, code in zip(pages, ("ru", "en") * 3, strict=True):
                assert page.status_code == 404
                assert ("не найден" in page.text) == (code == "ru"), code
    assert current_language() == "en"  # the portal never switched the process's language
