"""One knowledge-base article over the inquiry or the registration form: reading it counts as opened, `h`
marks it helpful, the attach key (the same as beside the inquiry) closes it with "attach" so the caller
attaches it. Drawn by kb.article_renderable: titles literal, Markdown without hyperlinks."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from crmterm.errors import CrmError
from crmterm.i18n import N_, _
from crmterm.screens.knowledge.kb import article_renderable
from crmterm.services.knowledge import kb_usage
from crmterm.services.knowledge.kb import ArticleRead
from crmterm.text import visible
from crmterm.widgets.chrome import TranslatedFooter
from crmterm.widgets.host import CrmModal

ATTACH_KEYS = "ctrl+f8,f20"  # Ctrl+F8, or Shift+F8 (F20 in most terminals)
OPEN_KEYS = "ctrl+f9,f21"


def kb_bindings(prefix: str) -> list[Binding]:
    """The two suggestion keys, the same on every screen that shows suggestions (ids per screen)."""
    return [Binding(ATTACH_KEYS, "kb_attach", N_("Attach article"), id=f"{prefix}.kb_attach"),
            Binding(OPEN_KEYS, "kb_open", N_("Open article"), id=f"{prefix}.kb_open")]


class ArticleScreen(CrmModal[bool]):
    """Dismissed with True when the agent asks to attach the article."""

    CSS_PATH = "kb.tcss"
    BINDINGS = [
        Binding("escape", "dismiss(False)", N_("Close"), id="kb_article.close"),
        Binding("h", "helpful", N_("Helpful"), id="kb_article.helpful"),
        Binding(ATTACH_KEYS, "attach", N_("Attach article"), id="kb_article.attach"),
    ]

    def __init__(self, article_id: int, lang: str | None = None, *, attachable: bool = True) -> None:
        super().__init__()
        self.article_id, self.lang, self.attachable = article_id, lang, attachable
        self.shown: ArticleRead | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="kb-modal"):
            with VerticalScroll(id="kb-modal-scroll"):
                yield Static(_("Loading…"), id="kb-modal-article", markup=False)
        yield TranslatedFooter()

    def on_mount(self) -> None:
        self.query_one("#kb-modal-scroll").focus()
        self.load()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "helpful":
            return self.shown is not None and self.shown.status == "approved"
        if action == "attach":
            return self.attachable and self.shown is not None and self.shown.status == "approved"
        return True

    @work(thread=True, exclusive=True, group="kb-article")
    def load(self) -> None:
        try:
            found = self.app.gateway.call(kb_usage.open_article, key=self.article_id)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            self.app.call_from_thread(self.dismiss, False)
            return
        self.app.call_from_thread(self._show, found)

    def _show(self, article: ArticleRead) -> None:
        self.shown = article
        self.query_one("#kb-modal-article", Static).update(article_renderable(article, self.lang))
        self.refresh_bindings()

    def action_attach(self) -> None:
        self.dismiss(True)

    @work(thread=True, exclusive=True, group="kb-article")
    def action_helpful(self) -> None:
        try:
            found = self.app.gateway.call(kb_usage.mark_helpful, key=self.article_id)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self.app.notify, _("Marked helpful: {title}").format(
            title=visible(found.text(self.lang).title)), markup=False)
