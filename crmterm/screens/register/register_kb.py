"""Knowledge-base suggestions while registering: the panel follows the current inquiry's topic and note; the
attach key keeps the highlighted article with the inquiry draft (the inquiry does not exist yet), and the
articles are attached to the new inquiry right after registration — like a script walk (register_scripts).
A mixin of RegisterPanel."""

from __future__ import annotations

from textual.widgets import Input

from crmterm.errors import CrmError
from crmterm.i18n import _
from crmterm.screens.knowledge.kb_suggesting import KbSuggesting
from crmterm.services.knowledge import kb_usage
from crmterm.services.knowledge.kb_search import SearchHit


class KbDrafting(KbSuggesting):
    def kb_refresh(self) -> None:
        """Suggest for the inquiry on the form (its note, else the contact's) and mark what it has."""
        draft = self.drafts.draft
        typed = self.query_one("#reg-inquiry-text", Input).value or self.query_one("#reg-contact-text", Input).value
        self.kb_panel.suggest(draft.topic.code if draft.topic else None, typed)
        self.kb_panel.mark({article_id for article_id, _lang, _title in draft.articles})

    def kb_attach_hit(self, hit: SearchHit) -> None:
        draft = self.drafts.draft
        if draft.topic is None and draft.link_to is None:
            self.app.notify(_("Choose the topic first"), severity="warning")  # an inquiry without one is not saved
            return
        if any(article_id == hit.article_id for article_id, _lang, _title in draft.articles):
            self.app.notify(_("This article is already attached"), severity="warning")
            return
        draft.articles.append((hit.article_id, hit.lang, hit.title))
        self.kb_panel.mark({article_id for article_id, _lang, _title in draft.articles})
        self._show_extras()
        self.app.notify(_("Article attached: it is saved with the inquiry"))

    def kb_articles_of(self, kept: list[int]) -> list[tuple[int, list[tuple[int, str, str]]]]:
        """(position among the saved inquiries, articles) of the drafts that attached articles."""
        return [(n, list(self.drafts.items[k].articles)) for n, k in enumerate(kept) if self.drafts.items[k].articles]

    def save_kb_articles(self, inquiry_ids: list[int], chosen: list) -> None:
        """In the registration worker, after the contact is saved (each article in its own transaction)."""
        for position, articles in chosen:
            for article_id, lang, _title in articles:
                try:
                    self.app.gateway.call(kb_usage.attach, inquiry_id=inquiry_ids[position], key=article_id,
                                          lang=lang)
                except (CrmError, IndexError) as error:
                    self.app.call_from_thread(self.app.notify, _("Article not attached: {error}").format(
                        error=error), severity="error", timeout=8)
