"""Choosing an inquiry's topic without the mouse: its numeric code ("3.1.1" or "311"), a fuzzy search over
topic names in the current language, or one of the template's topics with Alt+1…9; Enter on an empty box
takes the template's default topic. The tree is loaded once (configuration-sized), so matching is local."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.fuzzy import Matcher
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from crmterm.i18n import _
from crmterm.services.topics.topics import TopicIndex, TopicNode, path_spellings
from crmterm.text import visible

MAX_HITS = 8
# Most terminals send Alt+digit as ESC+digit, which Textual reads as the macOS Option character of the digit
# (¡ ™ £ ¢ ∞ § ¶ • ª); kitty-protocol terminals send alt+digit. Screens bind both spellings.
OPTION_DIGITS = ("inverted_exclamation_mark", "trade_mark_sign", "pound_sign", "cent_sign", "infinity",
                 "section_sign", "pilcrow_sign", "bullet", "ª")


class KeyedInput(Input):
    """A text box that leaves Alt+digit to the screen's bindings instead of typing ∞ or £."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return key not in OPTION_DIGITS and super().check_consume_key(key, character)


class Topics(TopicIndex):
    """The agent-visible tree: the service's lookups, plus fuzzy search over names (a Textual matcher)."""

    def fuzzy(self, text: str) -> list[TopicNode]:
        matcher = Matcher(text.strip())
        scored = [(matcher.match(n.label), n) for n in self.nodes if not n.is_group]
        return [n for score, n in sorted(scored, key=lambda s: -s[0]) if score > 0][:MAX_HITS]


class TopicPicker(Vertical):
    class Chosen(Message):
        def __init__(self, node: TopicNode) -> None:
            super().__init__()
            self.node = node

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.topics: Topics | None = None
        self.default: str | None = None  # the template's default topic code
        self.chosen: TopicNode | None = None

    def compose(self) -> ComposeResult:
        yield KeyedInput(id="topic-input", placeholder=_("Topic: number (3.1.1), name, or Alt+1…9"), compact=True)
        yield Static("", id="topic-label", markup=False)
        yield OptionList(id="topic-hits")

    def on_mount(self) -> None:
        self.query_one("#topic-hits").display = False

    def set_topics(self, topics: Topics, default: str | None) -> None:
        self.topics, self.default = topics, default
        hint = _("Enter: {t}").format(t=topics.by_code[default].label) if default in topics.by_code else ""
        self.query_one("#topic-input", Input).placeholder = (
            _("Topic: number (3.1.1), name, or Alt+1…9") + (f" · {hint}" if hint else ""))

    def show(self, node: TopicNode | None, *, text: str | None = None) -> None:
        """Display a chosen topic (or none) without announcing it."""
        self.chosen = node
        box = self.query_one("#topic-input", Input)
        with box.prevent(Input.Changed):
            box.value = text if text is not None else (node.short_path if node else "")
            box.cursor_position = len(box.value)
        self._describe(node)

    def _describe(self, node: TopicNode | None, problem: str = "") -> None:
        label = self.query_one("#topic-label", Static)
        if node is None:
            label.update(Text(problem, style="bold red") if problem else "")
        else:
            kind = _("group: choose a topic in it") if node.is_group else _(node.inquiry_type)
            label.update(Text.assemble((f"{node.short_path} ", "bold"), visible(node.label), (f" · {kind}", "dim")))

    def choose(self, node: TopicNode) -> None:
        if node.is_group:
            self._describe(node)
            return
        self.show(node)
        self.query_one("#topic-hits").display = False
        self.post_message(self.Chosen(node))

    @on(Input.Changed, "#topic-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        hits = self.query_one("#topic-hits", OptionList)
        text = event.value.strip()
        if self.topics is None or not text:
            hits.display = False
            self._describe(None)
            return
        if path_spellings(text):
            hits.display = False
            node = self.topics.find(text)
            self._describe(node, "" if node else _("no topic number {n}").format(n=text))
            return
        found = self.topics.fuzzy(text)
        hits.clear_options()
        hits.add_options([Option(Text.assemble((f"{n.short_path} ", "bold"), visible(n.label)), id=n.code)
                          for n in found])
        hits.display = bool(found)
        if found:
            hits.highlighted = 0
        self._describe(None, "" if found else _("no topic matches '{t}'").format(t=text))

    @on(Input.Submitted, "#topic-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.topics is None:
            return
        text = event.value.strip()
        hits = self.query_one("#topic-hits", OptionList)
        if not text and self.default is not None and self.default in self.topics.by_code:
            self.choose(self.topics.by_code[self.default])
        elif hits.display and hits.highlighted is not None:
            self._choose_hit(hits.get_option_at_index(hits.highlighted))
        elif (node := self.topics.find(text)) is not None:
            self.choose(node)

    @on(OptionList.OptionSelected, "#topic-hits")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose_hit(event.option)

    def _choose_hit(self, hit: Option) -> None:
        if self.topics is not None and hit.id is not None:  # every hit carries its topic's code as id
            self.choose(self.topics.by_code[hit.id])

    def key_down(self) -> None:
        hits = self.query_one("#topic-hits", OptionList)
        if hits.display and self.query_one("#topic-input").has_focus:
            hits.focus()
