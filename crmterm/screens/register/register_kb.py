"""Knowledge-base suggestions while registering: the panel follows the current inquiry's topic and note; the
attach key keeps the highlighted article with the inquiry draft (the inquiry does not exist yet), and the
registration attaches it to the new inquiry in its own transaction — like a script walk (register_scripts).
A mixin of RegisterPanel."""

from __future__ import annotations

from textual.widgets import Input

from crmterm.i18n import _
from crmterm.screens.knowledge.kb_suggesting import KbSuggesting
from crmterm.screens.register.register_part import RegisterPart
from crmterm.services.knowledge.kb_search import SearchHit


class KbDrafting(KbSuggesting, RegisterPart):
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
