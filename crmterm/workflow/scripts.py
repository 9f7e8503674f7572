"""Branching scripts (DESIGN.md §2 "Script"): the document an admin writes and an agent walks.

A script is a graph of nodes — question (answers with a score and the next node), statement (text to
read), capture (a value written into an inquiry or customer attribute), branch (a CEL condition picks the
next node) and end (with an outcome) — plus `decisions`: CEL rules over the walk that set the inquiry's
priority, queue or topic. Texts are {lang: text}. Pure and DB-free: checks live in script_checks.py,
walking in script_walk.py; the services resolve attribute and reference codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from crmterm.text import shorten

NODE_TYPES = ("question", "statement", "capture", "branch", "end")
DECISION_KINDS = ("priority", "queue", "topic")
TARGETS = ("inquiry", "customer")
CODE_PATTERN = r"^[A-Za-z][A-Za-z0-9_\-]{0,63}$"

Text = dict[str, str]


def _texts(value: Any) -> Any:
    """A plain string is the text in the script's first language (the checks then ask for the others)."""
    return {"": value} if isinstance(value, str) else value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Answer(_Strict):
    text: Text
    code: str | None = None  # what rules read as script.answers.<question>; default: its number
    score: int = 0
    next: str | None = None

    @field_validator("text", mode="before")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        return _texts(value)


class _Node(_Strict):
    id: str = Field(pattern=CODE_PATTERN)
    text: Text = Field(default_factory=dict)

    @field_validator("text", mode="before")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        return _texts(value)

    def targets(self) -> list[str | None]:
        return []


class Question(_Node):
    type: Literal["question"]
    weight: int = 1  # multiplies the chosen answer's score
    answers: list[Answer] = Field(default_factory=list)

    def targets(self) -> list[str | None]:
        return [a.next for a in self.answers]

    def answer_code(self, index: int) -> str:
        return self.answers[index].code or str(index + 1)


class Statement(_Node):
    type: Literal["statement"]
    next: str | None = None

    def targets(self) -> list[str | None]:
        return [self.next]


class Capture(_Node):
    type: Literal["capture"]
    attribute: str
    target: Literal["inquiry", "customer"] = "inquiry"
    required: bool = True
    next: str | None = None

    def targets(self) -> list[str | None]:
        return [self.next]


class Branch(_Node):
    type: Literal["branch"]
    condition: str
    then: str | None = None
    otherwise: str | None = Field(default=None, alias="else")

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def targets(self) -> list[str | None]:
        return [self.then, self.otherwise]


class End(_Node):
    type: Literal["end"]
    outcome: str = "done"


Node = Annotated[Question | Statement | Capture | Branch | End, Field(discriminator="type")]


class Rule(_Strict):
    when: str = "true"
    value: str


class ScriptDocument(_Strict):
    code: str = Field(pattern=CODE_PATTERN)
    name: Text
    languages: list[str] = Field(default_factory=lambda: ["en", "ru"])
    topics: list[str] = Field(default_factory=list)  # topics whose inquiries run this script
    start: str | None = None  # default: the first node
    nodes: list[Node] = Field(default_factory=list)
    decisions: dict[Literal["priority", "queue", "topic"], list[Rule]] = Field(default_factory=dict)
    lines: dict[str, int] = Field(default_factory=dict, exclude=True)  # node id -> YAML line (checks)
    line: int = Field(default=0, exclude=True)

    @field_validator("name", mode="before")
    @classmethod
    def _plain_name(cls, value: Any) -> Any:
        return _texts(value)

    def node(self, node_id: str | None):
        return next((n for n in self.nodes if n.id == node_id), None)

    @property
    def start_id(self) -> str | None:
        return self.start or (self.nodes[0].id if self.nodes else None)

    def dump(self) -> dict:
        """The document as config-as-code writes it (plain strings where a text has no language)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=False)


def text_of(texts: Text, lang: str, languages: list[str] | None = None) -> str:
    """The text in `lang`, else the first language that has one (a missing translation never blanks a node)."""
    for key in (lang, "", *(languages or ()), *texts):
        if texts.get(key):
            return texts[key]
    return ""


TITLE_LENGTH = 24  # characters of a step's text naming it in a path: enough to recognise, several fit a line


def path_titles(document: ScriptDocument | None, path: list[str], lang: str) -> list[str]:
    """The steps of a path as people name them: the start of each text in `lang`. A step without text (a branch
    the walk took by itself) is left out: nobody saw it. Without the document (gone), the ids."""
    if document is None:
        return list(path)
    titles = []
    for node_id in path:
        node = document.node(node_id)
        text = text_of(node.text, lang, document.languages).strip() if node is not None else node_id
        if text:
            titles.append(shorten(text.splitlines()[0], TITLE_LENGTH))
    return titles


class DocumentError(ValueError):
    """The document is not a script at all (wrong shapes); `problems` are (node id, line, message)."""

    def __init__(self, problems: list[tuple[str | None, int | None, str]]) -> None:
        super().__init__(problems[0][2] if problems else "invalid script")
        self.problems = problems


def parse(raw: Any) -> ScriptDocument:
    """A document from YAML/JSON data (LineDicts keep their lines); raises DocumentError on shape errors."""
    if not isinstance(raw, dict):
        raise DocumentError([(None, 1, "a script must be a mapping")])
    nodes = raw.get("nodes")
    raw_nodes = nodes if isinstance(nodes, list) else []
    try:
        document = ScriptDocument.model_validate({k: v for k, v in raw.items() if k not in ("lines", "line")})
    except ValidationError as error:
        raise DocumentError([_shape_problem(raw, raw_nodes, e) for e in error.errors()]) from None
    document.line = getattr(raw, "line", 0)
    document.lines = {n.id: getattr(r, "line", 0) for n, r in zip(document.nodes, raw_nodes, strict=False)}
    return document


def _shape_problem(raw: dict, raw_nodes: list, error: Mapping[str, Any]) -> tuple[str | None, int | None, str]:
    location = [part for part in error["loc"] if part not in NODE_TYPES]  # the union's tag is noise
    node_id, line = None, _line(raw, str(location[0]) if location else "")
    if len(location) >= 2 and location[0] == "nodes" and isinstance(location[1], int) \
            and location[1] < len(raw_nodes):
        item = raw_nodes[location[1]]
        node_id = item.get("id") if isinstance(item, dict) else None
        line = _line(item, str(location[2]) if len(location) > 2 else "")
        location = location[2:]
    where = ".".join(str(p) for p in location)
    return node_id, line, f"{where}: {error['msg']}" if where else error["msg"]


def _line(mapping: Any, key: str) -> int | None:
    if hasattr(mapping, "line_of"):
        return mapping.line_of(key)
    return getattr(mapping, "line", None)
