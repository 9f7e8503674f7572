"""The knowledge base: type to search (ranked by relevance and use, services/knowledge/kb_search), Enter opens the
highlighted article (counted as opened), `h` marks it helpful. Editors also find drafts and articles in
review; everyone else approved articles only — the service decides.

Article text is never markup: titles go through `plain`, the Markdown body is rendered by Rich's Markdown
without hyperlinks (a link shows its address), so nothing in an article can run an app action."""

from __future__ import annotations

from rich.markdown import Markdown
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Input, Label, Static

from crmterm.i18n import N_, _, fmt_datetime
from crmterm.services.knowledge import kb_search, kb_usage
from crmterm.services.knowledge.kb import ArticleRead
from crmterm.services.knowledge.kb_search import SearchHit
from crmterm.text import visible
from crmterm.widgets.chrome import TranslatedFooter
from crmterm.widgets.host import CrmScreen
from crmterm.widgets.safe_text import plain

LIMIT = 50


def article_renderable(article: ArticleRead, lang: str | None = None):
    """The article as Rich renderables: a literal heading and its Markdown body (links as plain text)."""
    from rich.console import Group

    version = article.text(lang)
    head = plain(version.title + "\n", style="bold")
    approved = (_("approved by {who} on {when}").format(who=article.approved_by,
                                                        when=fmt_datetime(article.approved_at))
                if article.approved_by else _(article.status))
    head.append(plain(" · ".join([article.slug, version.lang, approved]) + "\n", style="dim"))
    head.append(plain(_("Opened {o}, attached {a}, helpful {h}").format(
        o=article.opened, a=article.attached, h=article.helpful) + "\n", style="dim"))
    return Group(head, Markdown(visible(version.body), hyperlinks=False))


class KnowledgeBaseScreen(CrmScreen[None]):
    CSS_PATH = "kb.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", N_("Back"), id="kb.back"),
        Binding("ctrl+f", "focus_search", N_("Search"), id="kb.search"),
        Binding("h", "helpful", N_("Helpful"), id="kb.helpful"),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial = query
        self.hits: list[SearchHit] = []
        self.shown: ArticleRead | None = None

    def compose(self) -> ComposeResult:
        yield Label(_("Knowledge base"), id="kb-title")
        yield Input(value=self.initial, placeholder=_("Search articles (words in any order)"), id="kb-query")
        with Horizontal(id="kb-body"):
            yield DataTable(id="kb-results", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="kb-article-pane"):
                yield Static(_("Type words to search, Enter opens an article."), id="kb-article", markup=False)
        yield TranslatedFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(_("Title"), _("Language"), _("Status"))
        if self.initial:
            self.search(self.initial)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "helpful":
            return self.shown is not None and self.shown.status == "approved"
        return True

    def action_focus_search(self) -> None:
        self.query_one("#kb-query", Input).focus()

    @on(Input.Changed, "#kb-query")
    def typed(self, event: Input.Changed) -> None:
        self.search(event.value)

    @on(Input.Submitted, "#kb-query")
    def submitted(self) -> None:
        self.query_one(DataTable).focus()

    @work(thread=True, exclusive=True, group="kb-search")
    def search(self, query: str) -> None:
        found = self.app.gateway.call(kb_search.search, query=query, limit=LIMIT) if query.strip() else []
        self.app.call_from_thread(self._listed, found)

    def _listed(self, found: list[SearchHit]) -> None:
        self.hits = found
        table = self.query_one(DataTable)
        table.clear()
        for hit in found:
            table.add_row(plain(hit.title), hit.lang, _(hit.status), key=str(hit.article_id))

    @on(DataTable.RowSelected, "#kb-results")
    def selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key is not None and event.row_key.value:
            hit = next((h for h in self.hits if str(h.article_id) == event.row_key.value), None)
            self.open_article(int(event.row_key.value), hit.lang if hit else None)

    @work(thread=True, exclusive=True, group="kb-article")
    def open_article(self, article_id: int, lang: str | None) -> None:
        found = self.app.gateway.call(kb_usage.open_article, key=article_id)
        self.app.call_from_thread(self._show, found, lang)

    def _show(self, article: ArticleRead, lang: str | None) -> None:
        self.shown = article
        self.query_one("#kb-article", Static).update(article_renderable(article, lang))
        self.refresh_bindings()

    @work(thread=True, exclusive=True, group="kb-article")
    def action_helpful(self) -> None:
        if self.shown is None:
            return
        found = self.app.gateway.call(kb_usage.mark_helpful, key=self.shown.id)
        self.app.call_from_thread(self.app.notify, _("Marked helpful: {title}").format(
            title=visible(found.text().title)), markup=False)
