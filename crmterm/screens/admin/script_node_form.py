"""The script editor's node form: id, kind, texts per language and the kind's own fields (answers with
score and next, capture target, branch condition, end outcome). Every change is checked as typed: a value
that is not valid gets its message under the field and the document keeps its last valid node, while the
form keeps what was typed."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static, TextArea

from crmterm.i18n import _
from crmterm.screens.admin.script_doc import NODE_KINDS, convert, id_error
from crmterm.widgets.safe_text import plain


class Edited(Message):
    """The form's values as a valid node (or script fields); `node` is None while a field is wrong."""

    def __init__(self, node: dict | None, changed: bool = True, rerender: bool = False) -> None:
        super().__init__()
        self.node, self.changed, self.rerender = node, changed, rerender


def field(label: str, key: str, widget: Widget) -> ComposeResult:
    """A labelled field with its error line (shown only when there is an error)."""
    yield Label(label, classes="sa-label", markup=False)
    widget.id = f"f-{key}"
    yield widget
    yield Static("", id=f"e-{key}", classes="sa-error", markup=False)


def text_input(value: object, **kwargs) -> Input:
    return Input("" if value is None else str(value), compact=True, **kwargs)


class FormBase(VerticalScroll):
    """What the node form and the script form share: reading fields and showing their errors. `baseline`
    is what the form held when loaded (or last reported), so only real changes mark the script changed."""

    baseline: dict | None = None

    def loaded(self) -> None:
        self.baseline = self.collect()[0]

    def value(self, key: str) -> str:
        widget = self.query_one(f"#f-{key}")
        if isinstance(widget, TextArea):
            return widget.text
        assert isinstance(widget, Input | Select | Checkbox), f"#f-{key} is no field"
        return str(widget.value or "").strip()

    def show_errors(self, errors: dict[str, str]) -> None:
        for error in self.query(".sa-error").results(Static):
            message = errors.get((error.id or "").removeprefix("e-"))
            error.update(plain(message or ""))
            error.display = bool(message)

    def focus_first(self) -> None:
        fields = [w for w in self.query("Input, TextArea, Select") if not w.disabled]
        if fields:
            fields[0].focus()

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Checkbox.Changed)
    def _typed(self, event: Message) -> None:
        event.stop()
        self.report()

    def report(self) -> None:
        node = self.checked()
        changed = node is not None and node != self.baseline
        if changed:
            self.baseline = node
        self.post_message(Edited(node, changed=changed))

    def checked(self) -> dict | None:
        node, errors = self.collect()
        self.show_errors(errors)
        return None if errors else node

    def collect(self) -> tuple[dict, dict[str, str]]:
        raise NotImplementedError


class NodeForm(FormBase):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.node: dict = {}
        self.languages: list[str] = ["en", "ru"]
        self.other_ids: set[str] = set()
        self.suggest = SuggestFromList([])

    async def load(self, node: dict, languages: list[str], node_ids: list[str]) -> None:
        self.node, self.languages = node, languages
        self.other_ids = set(node_ids) - {node["id"]}
        self.suggest = SuggestFromList(sorted(node_ids), case_sensitive=True)
        await self.remove_children()
        await self.mount_all(list(self._fields()))
        self.loaded()

    def _fields(self):
        node = self.node
        yield Static("", id="sa-node-problems", markup=False)
        yield from field(_("Id"), "id", text_input(node["id"]))
        kinds = [(_(kind), kind) for kind in NODE_KINDS]
        yield from field(_("Kind"), "type", Select(kinds, value=node["type"], allow_blank=False, compact=True))
        for lang in self.languages:
            yield from field(_("Text ({lang})").format(lang=lang), f"text-{lang}",
                             text_input((node.get("text") or {}).get(lang)))
        yield from getattr(self, f"_{node['type']}_fields")(node)

    def _target(self, label: str, key: str, value: str | None) -> ComposeResult:
        yield from field(label, key, text_input(value, suggester=self.suggest, placeholder=_("node id")))

    def _question_fields(self, node: dict):
        yield from field(_("Weight (multiplies the answer's score)"), "weight", text_input(node.get("weight", 1)))
        yield Label(_("Answers (Alt+A adds one, Alt+X removes the last)"), classes="sa-section")
        for number, answer in enumerate(node.get("answers", []), 1):
            yield self._answer_row(number, answer)

    def _answer_row(self, number: int, answer: dict) -> Vertical:
        key = f"a{number}"
        texts = [text_input((answer.get("text") or {}).get(lang), id=f"f-{key}-text-{lang}", placeholder=lang,
                            classes="sa-answer-text") for lang in self.languages]
        details = [Label(f"{number}.", classes="sa-answer-number"),
                   text_input(answer.get("code"), id=f"f-{key}-code", placeholder=_("code"), classes="sa-code"),
                   text_input(answer.get("score", 0), id=f"f-{key}-score", placeholder=_("score"),
                              classes="sa-score"),
                   Label("→", classes="sa-arrow"),
                   text_input(answer.get("next"), id=f"f-{key}-next", placeholder=_("next node"),
                              suggester=self.suggest, classes="sa-next")]
        return Vertical(Horizontal(*texts, classes="sa-row"), Horizontal(*details, classes="sa-row"),
                        Static("", id=f"e-{key}", classes="sa-error", markup=False), classes="sa-answer")

    def _statement_fields(self, node: dict):
        yield from self._target(_("Next node"), "next", node.get("next"))

    def _capture_fields(self, node: dict):
        yield from field(_("Attribute code"), "attribute", text_input(node.get("attribute")))
        targets = [(_("inquiry"), "inquiry"), (_("customer"), "customer")]
        yield from field(_("Attribute of"), "target", Select(targets, value=node.get("target", "inquiry"),
                                                             allow_blank=False, compact=True))
        yield from field("", "required", Checkbox(_("Required"), node.get("required", True), compact=True))
        yield from self._target(_("Next node"), "next", node.get("next"))

    def _branch_fields(self, node: dict):
        yield from field(_("Condition (CEL)"), "condition", text_input(node.get("condition")))
        yield from self._target(_("Then (condition holds)"), "then", node.get("then"))
        yield from self._target(_("Else"), "else", node.get("else"))

    def _end_fields(self, node: dict):
        yield from field(_("Outcome"), "outcome", text_input(node.get("outcome", "done")))

    def show_problems(self, messages: list[str]) -> None:
        if self.query("#sa-node-problems"):
            box = self.query_one("#sa-node-problems", Static)
            box.update(plain("\n".join(f"⚠ {m}" for m in messages)))
            box.display = bool(messages)

    # --- reading -----------------------------------------------------------------------------------
    def collect(self) -> tuple[dict, dict[str, str]]:
        errors: dict[str, str] = {}
        node = {"id": self.value("id"), "type": self.node["type"], "text": self._texts("text")}
        if problem := id_error(node["id"], self.other_ids):
            errors["id"] = problem
        kind = node["type"]
        if kind == "question":
            node["weight"] = _number(self.value("weight"), "weight", errors, 1)
            node["answers"] = [self._answer(n, errors) for n in range(1, len(self.node.get("answers", [])) + 1)]
        elif kind == "capture":
            node |= {"attribute": self.value("attribute"), "target": self.value("target"),
                     "required": self.query_one("#f-required", Checkbox).value}
            if not node["attribute"]:
                errors["attribute"] = _("required")
        elif kind == "branch":
            node["condition"] = self.value("condition") or "true"
        elif kind == "end":
            node["outcome"] = self.value("outcome") or "done"
        for key in ("next", "then", "else"):
            if self.query(f"#f-{key}") and self.value(key):
                node[key] = self.value(key)
        return node, errors

    def _texts(self, prefix: str) -> dict[str, str]:
        return {lang: self.value(f"{prefix}-{lang}") for lang in self.languages if self.value(f"{prefix}-{lang}")}

    def _answer(self, number: int, errors: dict[str, str]) -> dict:
        key = f"a{number}"
        answer = {"text": self._texts(f"{key}-text"),
                  "score": _number(self.value(f"{key}-score") or "0", key, errors, 0)}
        if self.value(f"{key}-code"):
            answer["code"] = self.value(f"{key}-code")
        if self.value(f"{key}-next"):
            answer["next"] = self.value(f"{key}-next")
        return answer

    @on(Select.Changed, "#f-type")
    def _kind_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.value != self.node.get("type"):
            typed, _errors = self.collect()
            self.post_message(Edited(convert(typed, str(event.value)), rerender=True))

    @on(Select.Changed, "#f-target")
    def _target_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.report()


def _number(raw: str, key: str, errors: dict[str, str], default: int) -> int:
    try:
        return int(raw)
    except ValueError:
        errors[key] = _("a whole number, e.g. 10")
        return default
