"""The knowledge-base screen: search, open, helpful; article text is never markup (Rich or Textual) and never
reaches the terminal as control sequences; a Markdown link cannot run an app action. Plus its snapshot."""

from __future__ import annotations

from datetime import UTC, datetime

import io
import time

from rich.console import Console
from sqlalchemy import text
from textual.widgets import DataTable

from crmterm.app import make_app
from crmterm.screens.knowledge.kb import KnowledgeBaseScreen, article_renderable
from crmterm.store.db import unit_of_work
from helpers import settle
from test_snapshots import _login

SIZE = (110, 32)
HOSTILE = ("Press [@click=app.quit]here[/] or [bold red]this[/] \x1b[2J\x1b]0;pwned\x07 "
           "and [a link](javascript:alert(1)) [quit](app.quit)")


def _hostile_article(url: str) -> None:
    """Written past the service (which refuses control characters) to prove the screen's own defence."""
    with unit_of_work(url) as session:
        session.execute(text(
            "INSERT INTO kb_article (slug, status, visibility, products, created_by, opened, attached, helpful, "
            "usage_score, version, created_at, updated_at) VALUES ('hostile', 'approved', 'internal', '[]', "
            "'admin', 0, 0, 0, 0, 1, :at, :at)"), {"at": datetime(2026, 11, 20, tzinfo=UTC)})
        session.execute(text("INSERT INTO kb_article_text (article_id, lang, title, body, keywords, updated_at) "
                             "SELECT id, 'en', :title, :body, '', :at FROM kb_article WHERE slug = 'hostile'"),
                        {"title": "Zebra [bold]title[/bold] [@click=app.quit]x[/]", "body": HOSTILE,
                         "at": datetime(2026, 11, 20, tzinfo=UTC)})


def _fixed_approval(url: str) -> None:
    with unit_of_work(url) as session:
        session.execute(text("UPDATE kb_article SET approved_at = :at"), {"at": datetime(2026, 11, 20, 9, tzinfo=UTC)})


async def _open_kb(pilot, query: str) -> None:
    await _login(pilot, "agent")
    await pilot.press("alt+k")
    await settle(pilot)
    await pilot.press(*query, "enter")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def test_search_open_and_helpful(ui_settings):
    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await _open_kb(pilot, "roaming")
        screen = pilot.app.screen
        assert isinstance(screen, KnowledgeBaseScreen)
        assert screen.query_one(DataTable).row_count >= 3
        assert screen.shown is not None and screen.shown.opened == 1
        await pilot.press("h")
        await settle(pilot)
    from crmterm.services.knowledge import kb
    from helpers import AGENT

    with unit_of_work(ui_settings.database_url) as session:
        assert kb.get_article(session=session, actor=AGENT, key=screen.shown.id).helpful == 1


async def test_article_text_is_shown_literally_and_cannot_run_actions(ui_settings):
    _hostile_article(ui_settings.database_url)
    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await _open_kb(pilot, "zebra")
        screen = pilot.app.screen
        assert screen.shown is not None and screen.shown.slug == "hostile"
        console = Console(width=100, file=io.StringIO(), record=True)
        console.print(article_renderable(screen.shown))
        shown = console.export_text()
        assert "[@click=app.quit]here[/]" in shown and "[bold red]this[/]" in shown
        assert "\x1b" not in shown and "␛" in shown
        title = screen.query_one(DataTable).get_row_at(0)[0]
        assert title.plain.startswith("Zebra [bold]title[/bold] [@click=app.quit]")
        await pilot.click("#kb-article", offset=(8, 4))  # on the hostile text and links
        await pilot.click("#kb-article", offset=(20, 5))
        await settle(pilot)
        assert pilot.app.is_running and isinstance(pilot.app.screen, KnowledgeBaseScreen)


def test_knowledge_base_screen(snap_compare, snapshot_settings, monkeypatch):
    """Results for "roaming" with the first article opened: Markdown rendered, table included."""
    monkeypatch.setenv("TZ", "UTC")  # the approval time is shown in local time
    time.tzset()
    _fixed_approval(snapshot_settings.database_url)

    async def open_kb(pilot):
        await _open_kb(pilot, "roaming")

    try:
        assert snap_compare(make_app(snapshot_settings), terminal_size=SIZE, run_before=open_kb)
    finally:
        monkeypatch.undo()
        time.tzset()
