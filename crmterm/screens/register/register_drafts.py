"""The inquiries of the contact being registered: one is edited at a time, the others wait as drafts.

Plain Python (no widgets) so the bookkeeping is easy to follow and to test: the panel moves values between
the form and the current draft when the agent adds or switches inquiries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crmterm.i18n import _
from crmterm.services.customers.party_inquiries import InquirySummary
from crmterm.services.topics.topics import TopicNode


@dataclass
class Draft:
    topic: TopicNode | None = None
    priority: str | None = None  # None: the topic's default
    values: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    parent: int | None = None
    link_to: int | None = None
    files: list[str] = field(default_factory=list)
    repeats: list[InquirySummary] = field(default_factory=list)
    problem: int | None = None  # the system problem it is to be linked to (Ctrl+Y)
    script: tuple[int, list] | None = None  # (script id, choices) of a walk to save on it (Ctrl+T)
    articles: list[tuple[int, str, str]] = field(default_factory=list)  # KB (id, lang, title) to attach (Ctrl+F8)

    @property
    def empty(self) -> bool:
        return self.topic is None and self.link_to is None and not self.text and not self.files

    def document(self) -> dict:
        """The inquiry as registration.InquiryDraft takes it."""
        if self.link_to is not None:
            return {"link_to": self.link_to, "text": self.text, "problem": self.problem, **self._knowledge()}
        return {"topic": self.topic.code if self.topic else None, "priority": self.priority,
                "values": self.values, "text": self.text,
                "parent": self.parent, "files": self.files, "problem": self.problem, **self._knowledge()}

    def _knowledge(self) -> dict:
        """The script walk and articles, written in the registration's own transaction."""
        runs = [{"script": self.script[0], "choices": self.script[1]}] if self.script else []
        return {"script_runs": runs, "kb_articles": [{"article": a, "lang": lang} for a, lang, _t in self.articles]}

    def caption(self, number: int) -> str:
        if self.link_to is not None:
            return _("{n}: → #{id}").format(n=number, id=self.link_to)
        topic = self.topic.label if self.topic else _("(no topic)")
        return f"{number}: {topic}"


@dataclass
class Drafts:
    items: list[Draft] = field(default_factory=lambda: [Draft()])
    current: int = 0

    @property
    def draft(self) -> Draft:
        return self.items[self.current]

    def add(self) -> Draft:
        self.items.append(Draft())
        self.current = len(self.items) - 1
        return self.draft

    def move(self, step: int) -> Draft:
        self.current = (self.current + step) % len(self.items)
        return self.draft

    def remove_current(self) -> Draft:
        if len(self.items) == 1:
            self.items[0] = Draft()
        else:
            del self.items[self.current]
            self.current = min(self.current, len(self.items) - 1)
        return self.draft

    def to_save(self) -> tuple[list[int], list[dict]]:
        """Indexes (in `items`) and documents of the drafts to register: empty ones are left out."""
        kept = [i for i, d in enumerate(self.items) if not d.empty]
        return kept, [self.items[i].document() for i in kept]

    def strip(self) -> str:
        if len(self.items) == 1:
            return ""
        parts = [(f"[{d.caption(i + 1)}]" if i == self.current else d.caption(i + 1))
                 for i, d in enumerate(self.items)]
        return _("Inquiries: ") + "  ".join(parts)
