"""Knowledge base on the inquiry screen: suggestions for the inquiry's topic and text, the attach key
attaching the highlighted one at once (the timeline says so), and the articles already attached — Enter
opens one. Both lists come with the inquiry, in the screen's loading worker. A mixin of InquiryScreen."""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from crmterm.errors import CrmError
from crmterm.i18n import _, fmt_datetime
from crmterm.screens.inquiry.inquiry_part import InquiryPart
from crmterm.screens.knowledge.kb_article import ArticleScreen
from crmterm.screens.knowledge.kb_suggesting import KbSuggesting
from crmterm.services.inquiries.inquiries import InquiryRead
from crmterm.services.knowledge import kb_search, kb_usage
from crmterm.services.knowledge.kb_search import SearchHit
from crmterm.services.knowledge.kb_usage import AttachedArticle
from crmterm.widgets.kb_suggestions import LIMIT
from crmterm.widgets.safe_text import plain


@dataclass
class KbLoaded:
    topic: str
    typed: str
    suggested: list[SearchHit]
    attached: list[AttachedArticle]


class InquiryArticles(KbSuggesting, InquiryPart):
    attached_articles: list[AttachedArticle] = []  # replaced, never mutated

    def fetch_kb(self, found: InquiryRead) -> KbLoaded:
        """In the loading worker: suggestions for the inquiry's topic and note (else the contact's), and the
        articles it has. A failure here leaves the lists empty: the inquiry itself still shows."""
        typed, gateway = found.text or found.contact.text, self.app.gateway
        try:
            suggested = gateway.call(kb_search.suggest, topic=found.topic, typed=typed, limit=LIMIT)
            attached = gateway.call(kb_usage.attached_to, inquiry_id=found.id)
        except CrmError:
            suggested, attached = [], []
        return KbLoaded(found.topic, typed, suggested, attached)

    def show_kb(self, loaded: KbLoaded | None) -> None:
        if loaded is None:
            return
        self.attached_articles = loaded.attached
        listing = self.query_one("#inquiry-articles", OptionList)
        listing.clear_options()
        listing.add_options([Option(plain(f"{a.title} · {a.lang.upper()} · {a.attached_by} "
                                          f"{fmt_datetime(a.attached_at)}"), id=str(a.article_id))
                             for a in loaded.attached])
        listing.display = bool(loaded.attached)
        if loaded.attached:
            listing.highlighted = 0
        self.query_one("#inquiry-articles-none", Static).display = not loaded.attached
        self.kb_panel.attached = {a.article_id for a in loaded.attached}
        self.kb_panel.show(loaded.topic, loaded.typed, loaded.suggested)

    def kb_attach_hit(self, hit: SearchHit) -> None:
        self.attach_article(hit.article_id, hit.lang)

    @work(thread=True, group="inquiry-kb-attach")
    def attach_article(self, article_id: int, lang: str | None) -> None:
        try:
            added = self.app.gateway.call(kb_usage.attach, inquiry_id=self.inquiry_id, key=article_id, lang=lang)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error", timeout=8)
            return
        self.app.call_from_thread(self._article_attached, added)

    def _article_attached(self, added: bool) -> None:
        if added:
            self.app.notify(_("Article attached to inquiry #{n}").format(n=self.inquiry_id))
        else:
            self.app.notify(_("This article is already attached"), severity="warning")
        if self.is_attached:
            self.load()  # the timeline and the list show the attachment

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:  # @on unseen in mixins
        if event.option_list.id != "inquiry-articles":
            return
        event.stop()
        article = next((a for a in self.attached_articles if str(a.article_id) == event.option.id), None)
        if article is not None:
            self.app.push_screen(ArticleScreen(article.article_id, article.lang, attachable=False))
