"""Knowledge-base suggestions beside an inquiry, from the keyboard: the Register tab suggests for the topic
and the typed note and keeps an attached article with the draft until the inquiry is saved; the inquiry
screen attaches at once (timeline, usage counter), lists what is attached and opens articles (opened,
helpful counted). Titles are literal text."""

from __future__ import annotations

from crmterm.app import make_app
from crmterm.screens.knowledge.kb_article import ArticleScreen
from crmterm.services.knowledge import kb, kb_usage
from crmterm.store.db import unit_of_work
from crmterm.widgets.attribute_form import AttributeFormView
from crmterm.widgets.kb_suggestions import KbSuggestions
from helpers import AGENT, press_and_settle, settle
from test_tui import SIZE
from test_tui_inquiry import _open, _read, _register
from test_tui_register import _agent, _inquiries


async def press_and_settle(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)
    await settle(pilot)  # a key may start a worker whose result starts another (debounced suggestions)


def slugs(panel: KbSuggestions) -> list[str]:
    return [hit.slug for hit in panel.hits]


def article(url: str, slug: str):
    with unit_of_work(url) as session:
        return kb.get_article(session=session, actor=AGENT, key=slug)


def attached(url: str, inquiry_id: int) -> list[str]:
    with unit_of_work(url) as session:
        return [a.slug for a in kb_usage.attached_to(session=session, actor=AGENT, inquiry_id=inquiry_id)]


async def test_registration_suggests_from_topic_and_note_and_attaches_after_the_save(ui_settings):
    url = ui_settings.database_url
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _agent(pilot)
        suggestions = panel.query_one(KbSuggestions)
        assert suggestions.hits == []  # nothing to suggest for yet
        await press_and_settle(pilot, "f4", "enter")  # anonymous caller: straight to the topic
        await press_and_settle(pilot, *"roaming act", "enter")
        assert panel.drafts.draft.topic.code == "roaming_activation"
        assert slugs(suggestions)[0] == "roaming-activation"  # the topic's own articles before anything is typed
        panel.query_one("#reg-inquiry-text").focus()
        await press_and_settle(pilot, *"roaming prices")
        assert slugs(suggestions) == ["roaming-activation", "roaming-prices"]  # the topic's first
        await press_and_settle(pilot, *["backspace"] * 14, *"lost sim card")
        assert slugs(suggestions) == ["sim-replacement"]  # the typed text decides
        await press_and_settle(pilot, "ctrl+f8")
        assert [a[0] for a in panel.drafts.draft.articles] == [article(url, "sim-replacement").id]
        assert attached(url, 1) == []  # nothing written before the save
        await press_and_settle(pilot, "ctrl+f8")  # twice: still once
        assert len(panel.drafts.draft.articles) == 1
        panel.query_one(AttributeFormView).focus_first()
        await press_and_settle(pilot, *"Turkey", "ctrl+s")  # the topic's mandatory country
    inquiry, _contact, _values = _inquiries(url)[-1]
    assert attached(url, inquiry.id) == ["sim-replacement"]
    assert article(url, "sim-replacement").attached == 1
    assert any(e.kind == "kb_attached" for e in _read(url, inquiry.id).events)


async def test_inquiry_screen_attaches_at_once_lists_and_opens_articles(ui_settings):
    url = ui_settings.database_url
    inquiry_id = _register(url, "120.00")  # disputed charge, no text: the topic's articles
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        screen = await _open(pilot, "agent", inquiry_id)
        suggestions = screen.query_one(KbSuggestions)
        assert slugs(suggestions) == ["disputed-charge"]
        await press_and_settle(pilot, "ctrl+f8")
        assert attached(url, inquiry_id) == ["disputed-charge"]
        assert article(url, "disputed-charge").attached == 1
        assert screen.query_one("#inquiry-articles").option_count == 1
        assert any(e.kind == "kb_attached" for e in screen.inquiry.events)
        await press_and_settle(pilot, "ctrl+f9")  # open the highlighted suggestion
        assert isinstance(pilot.app.screen, ArticleScreen) and pilot.app.screen.shown.opened == 1
        await press_and_settle(pilot, "h", "escape")
        assert pilot.app.screen is screen
        screen.query_one("#inquiry-articles").focus()
        await press_and_settle(pilot, "enter")  # the attached article opens too
        assert isinstance(pilot.app.screen, ArticleScreen)
        await press_and_settle(pilot, "escape")
    used = article(url, "disputed-charge")
    assert (used.opened, used.attached, used.helpful) == (2, 1, 1)


async def test_attach_key_in_the_article_attaches_it(ui_settings):
    url = ui_settings.database_url
    inquiry_id = _register(url, "80.00")
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        screen = await _open(pilot, "agent", inquiry_id)
        screen.query_one(KbSuggestions).query_one("DataTable").focus()
        await press_and_settle(pilot, "enter")  # Enter on a suggestion opens it
        assert isinstance(pilot.app.screen, ArticleScreen)
        await press_and_settle(pilot, "ctrl+f8")
        assert pilot.app.screen is screen
    assert attached(url, inquiry_id) == ["disputed-charge"]


async def test_suggested_titles_are_literal(ui_settings):
    from test_kb_tui import _hostile_article

    _hostile_article(ui_settings.database_url)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _agent(pilot)
        await press_and_settle(pilot, "f4", "enter")
        panel.query_one("#reg-inquiry-text").focus()
        await press_and_settle(pilot, *"zebra")
        table = panel.query_one(KbSuggestions).query_one("DataTable")
        assert table.get_row_at(0)[0].plain.startswith("Zebra [bold]title[/bold] [@click=app.quit]")
        assert pilot.app.is_running
