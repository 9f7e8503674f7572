"""A compact panel of knowledge-base suggestions beside an inquiry: the top articles for its topic and the
text typed so far (services/knowledge/kb_search.suggest ranks them by relevance, use and topic). The screen holding it
says what to suggest for and the panel waits for typing to pause before it asks (DEBOUNCE), in a worker —
or the screen loads the suggestions with the rest of what it shows and hands them over (`show`).

Enter on a row posts `Chosen`; the screen opens the article (screens/knowledge/kb_suggesting.py) and attaches it.
Titles are article text: always literal, never markup."""

from __future__ import annotations

import time

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Label
from textual.worker import get_current_worker

from crmterm.errors import CrmError
from crmterm.i18n import _
from crmterm.services.knowledge import kb_search
from crmterm.services.knowledge.kb_search import SearchHit
from crmterm.widgets.host import CrmWidget
from crmterm.widgets.safe_text import plain

LIMIT = 5
DEBOUNCE = 0.3  # seconds of quiet typing before the panel asks the database


class KbSuggestions(Vertical, CrmWidget):  # CrmWidget second: Vertical's CSS stays
    class Chosen(Message):
        """Enter on a suggestion: the screen opens the article."""

        def __init__(self, hit: SearchHit) -> None:
            super().__init__()
            self.hit = hit

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.hits: list[SearchHit] = []
        self.attached: set[int] = set()  # shown with a mark
        self._asked: tuple[str | None, str] | None = None

    def compose(self) -> ComposeResult:
        yield Label(_("Suggested articles"), classes="kb-suggest-title")
        yield Label(_("Choose a topic or type a note"), classes="kb-suggest-empty")
        yield DataTable(cursor_type="row", show_header=False, zebra_stripes=False, classes="kb-suggest-table")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(_("Title"), _("Language"))
        self.query_one(DataTable).display = False

    @property
    def highlighted(self) -> SearchHit | None:
        table = self.query_one(DataTable)
        if not self.hits or not table.row_count:
            return None
        return self.hits[min(max(table.cursor_row, 0), len(self.hits) - 1)]

    def suggest(self, topic: str | None, typed: str, *, delay: float = DEBOUNCE) -> None:
        """Suggest for this topic and text; the same question twice in a row is not asked again."""
        asked = (topic, " ".join(kb_search.words(typed)))
        if asked == self._asked:
            return
        self._asked = asked
        self._load(topic, typed, delay)

    def show(self, topic: str | None, typed: str, hits: list[SearchHit]) -> None:
        """Suggestions the screen loaded itself (with the inquiry, in one worker)."""
        self._asked = (topic, " ".join(kb_search.words(typed)))
        self._listed(hits)

    def mark(self, article_ids: set[int]) -> None:
        """The articles already attached (to the draft or the inquiry) get a ✓."""
        self.attached = set(article_ids)
        self._listed(self.hits)

    @work(thread=True, exclusive=True, group="kb-suggest")
    def _load(self, topic: str | None, typed: str, delay: float) -> None:
        worker = get_current_worker()
        if delay:
            time.sleep(delay)  # a newer keystroke cancels this worker meanwhile
        if worker.is_cancelled:
            return
        found: list[SearchHit] = []
        if topic or kb_search.words(typed):
            try:
                found = self.app.gateway.call(kb_search.suggest, topic=topic, typed=typed, limit=LIMIT)
            except CrmError:
                found = []  # suggestions are a help, never an error in the agent's way
        if not worker.is_cancelled:
            self.app.call_from_thread(self._listed, found)

    def _listed(self, found: list[SearchHit]) -> None:
        if not self.is_attached:
            return
        self.hits = found
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        for hit in found:
            mark = "✓ " if hit.article_id in self.attached else ""
            table.add_row(plain(mark + hit.title), plain(hit.lang.upper(), style="dim"), key=str(hit.article_id))
        if found:
            table.move_cursor(row=min(max(cursor, 0), len(found) - 1))
        table.display = bool(found)
        # A row each, set now: an auto height waits for the table's idle-time sizing, and until then the panel
        # is drawn one line high (and the screen around it laid out for that).
        table.styles.height = max(len(found), 1)
        empty = self.query_one(".kb-suggest-empty", Label)
        empty.display = not found
        if self._asked is not None and self._asked != (None, ""):
            empty.update(_("No matching articles"))

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        hit = next((h for h in self.hits if str(h.article_id) == event.row_key.value), None)
        if hit is not None:
            self.post_message(self.Chosen(hit))
