"""Knowledge-base suggestions beside an inquiry, shared by the Register tab and the inquiry screen: the
attach key (Ctrl+F8) attaches the highlighted suggestion, the open key (Ctrl+F9) or Enter on a suggestion
opens it (counted as opened) — and the attach key in the article attaches it too.

A mixin: the class provides `kb_attach_hit(hit)` (the Register tab keeps the article with the draft and
attaches it after the save; the inquiry screen attaches at once) and holds one KbSuggestions panel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crmterm.i18n import _
from crmterm.screens.knowledge.kb_article import ArticleScreen
from crmterm.services.knowledge.kb_search import SearchHit
from crmterm.widgets.kb_suggestions import KbSuggestions

# Mixed into a widget (the Register tab) and a screen (the inquiry): what both are is a DOMNode, and the mixin
# needs no more than that (Textual's own `app`). A plain object at run time, so neither loses its default CSS.
if TYPE_CHECKING:
    from textual.dom import DOMNode as _Host
else:
    _Host = object


class KbSuggesting(_Host):
    @property
    def kb_panel(self) -> KbSuggestions:
        return self.query_one(KbSuggestions)

    def kb_attach_hit(self, hit: SearchHit) -> None:
        raise NotImplementedError

    def action_kb_attach(self) -> None:
        hit = self.kb_panel.highlighted
        if hit is None:
            self.app.notify(_("No suggested article to attach"), severity="warning")
            return
        self.kb_attach_hit(hit)

    def action_kb_open(self) -> None:
        hit = self.kb_panel.highlighted
        if hit is None:
            self.app.notify(_("No suggested article to open"), severity="warning")
            return
        self.kb_open_hit(hit)

    def on_kb_suggestions_chosen(self, event: KbSuggestions.Chosen) -> None:  # by name: @on is not seen in mixins
        event.stop()
        self.kb_open_hit(event.hit)

    def kb_open_hit(self, hit: SearchHit) -> None:
        def closed(attach: bool | None) -> None:
            if attach:
                self.kb_attach_hit(hit)

        self.app.push_screen(ArticleScreen(hit.article_id, hit.lang), closed)
