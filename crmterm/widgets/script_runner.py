"""The script runner: one node at a time, keyboard only. Keys 1-9 answer a question, Enter reads past a
statement or finishes, a capture is typed into its field (a list item by number or code) and Enter keeps
it; B / PgUp go back, F / PgDn forward again. The walk itself is workflow/script_walk (no database)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from crmterm.i18n import N_, _, current_language
from crmterm.services.knowledge.scripts import RunSpec, typed_capture
from crmterm.services.topics.attribute_values import BadValue, to_text
from crmterm.widgets.safe_text import field_value
from crmterm.workflow.script_walk import Walk, WalkError, decide
from crmterm.workflow.scripts import Capture, End, Question, Statement, path_titles, text_of

_ANSWER_KEYS = [Binding(str(n), f"answer({n})", show=False) for n in range(1, 10)]


class CaptureInput(Input):
    """The capture's field: on an empty field a digit picks that option of the list at once (as on a
    question); anything else is typed as usual."""

    class Picked(Message):
        def __init__(self, number: int) -> None:
            super().__init__()
            self.number = number

    choices = 0  # how many numbered options the current capture offers

    async def _on_key(self, event) -> None:
        if not self.value and self.choices <= 9 and event.character and event.character.isdecimal() and \
                1 <= int(event.character) <= self.choices:
            event.stop()
            event.prevent_default()
            self.post_message(self.Picked(int(event.character)))
            return
        await super()._on_key(event)


class ScriptRunner(Vertical, can_focus=True):
    BINDINGS = [
        *_ANSWER_KEYS,
        Binding("enter", "proceed", N_("Continue"), id="script.continue"),
        Binding("b,pageup", "back", N_("Back"), id="script.back"),
        Binding("f,pagedown", "forward", N_("Forward"), id="script.forward"),
        Binding("l", "language", N_("Script language"), id="script.language"),
    ]

    class Finished(Message):
        """The agent confirmed the end node: the walk is complete."""

        def __init__(self, runner: ScriptRunner) -> None:
            super().__init__()
            self.runner = runner

    def __init__(self, spec: RunSpec, **kwargs) -> None:
        super().__init__(**kwargs)
        self.spec = spec
        self.walk: Walk = spec.walk()
        self.lang = current_language()

    def compose(self) -> ComposeResult:
        yield Static("", id="script-heading", markup=False)
        yield Static("", id="script-path", markup=False)
        yield Static("", id="script-node")
        yield CaptureInput(id="script-capture")
        yield Static("", id="script-hint", markup=False)

    def on_mount(self) -> None:
        self.refresh_node()

    # --- drawing -------------------------------------------------------------------------------------
    def _text(self, texts: dict) -> str:
        return text_of(texts, self.lang, self.spec.document.languages)

    def refresh_node(self) -> None:
        walk, node = self.walk, self.walk.node
        script = self.spec.script
        self.query_one("#script-heading", Static).update(_("{name} v{n} · score {score} · {lang}").format(
            name=self._text(script.name) or script.code, n=script.number, score=walk.score, lang=self.lang.upper()))
        self.query_one("#script-path", Static).update(
            " › ".join(path_titles(self.spec.document, walk.path, self.lang)))
        self.query_one("#script-node", Static).update(self._body(node))
        capture = self.query_one("#script-capture", CaptureInput)
        capture.display = isinstance(node, Capture)
        if isinstance(node, Capture):
            field = self.spec.field_of(node)
            capture.choices = len(self._options(node))
            capture.value = field_value(to_text(walk.captured(node.id)) or "")
            capture.placeholder = field.label if field else node.attribute
            capture.focus()
        else:
            self.focus()
        self.query_one("#script-hint", Static).update(self._hint(node))

    def _body(self, node) -> Text:
        body = Text(self._text(node.text) + "\n", style="bold")
        if isinstance(node, Question):
            for number, answer in enumerate(node.answers, 1):
                body.append(f"  {number}. ", style="bold cyan")
                body.append(self._text(answer.text) + "\n")
        elif isinstance(node, Capture):
            for number, (_code, label) in enumerate(self._options(node), 1):
                body.append(f"  {number}. ", style="bold cyan")
                body.append(f"{label}\n")
        elif isinstance(node, End):
            body.append(_("Outcome: {outcome}").format(outcome=node.outcome) + "\n", style="green")
            decision = decide(self.walk)
            for kind, label, value in (("priority", _("Priority"), decision.priority),
                                       ("queue", _("Queue"), decision.queue),
                                       ("topic", _("Suggested topic"), decision.topic)):
                if value:
                    body.append(f"{label}: {self.spec.name_of(kind, value)}\n")
        return body

    def _options(self, node: Capture) -> list[tuple[str, str]]:
        """The numbered options of a capture: a list's items, or yes and no."""
        field = self.spec.field_of(node)
        if field is not None and field.type == "bool":
            return [("true", _("yes")), ("false", _("no"))]
        return list(field.choices) if field else []

    def _hint(self, node) -> str:
        back = _("B back") if self.walk.can_back else ""
        capture = _("Enter keep the value")
        if isinstance(node, Capture) and self._options(node):
            yes_no = (field := self.spec.field_of(node)) is not None and field.type == "bool"
            capture = (_("1 or Y yes, 2 or N no, then Enter") if yes_no else
                       _("1-{n} pick, or type the code and Enter").format(n=len(self._options(node))))
        hints: dict[type, str] = {Question: _("1-9 answer"), Statement: _("Enter continue"), Capture: capture,
                 End: _("Enter save the run")}
        forward = _("F forward") if self.walk.can_forward else ""
        return "  ·  ".join(h for h in (hints.get(type(node), ""), back, forward) if h)

    # --- keys ----------------------------------------------------------------------------------------
    def action_answer(self, number: int) -> None:
        if isinstance(self.walk.node, Question):
            self._move(lambda: self.walk.answer(number))

    def action_proceed(self) -> None:
        node = self.walk.node
        if isinstance(node, Statement):
            self._move(self.walk.proceed)
        elif isinstance(node, End):
            self.post_message(self.Finished(self))

    def action_language(self) -> None:
        """Read the script in its next language (the customer's may not be the agent's); the walk is kept."""
        languages = list(self.spec.document.languages) or [self.lang]
        at = languages.index(self.lang) if self.lang in languages else -1
        self.lang = languages[(at + 1) % len(languages)]
        self.refresh_node()

    def action_back(self) -> None:
        self._move(self.walk.back)

    def action_forward(self) -> None:
        self._move(self.walk.forward)

    def on_capture_input_picked(self, event: CaptureInput.Picked) -> None:
        event.stop()
        node = self.walk.node
        if isinstance(node, Capture):
            code = self._options(node)[event.number - 1][0]
            self._keep(node, code)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        node = self.walk.node
        if isinstance(node, Capture):
            self._keep(node, event.value)

    def _keep(self, node: Capture, text: str) -> None:
        try:
            value = typed_capture(self.spec.field_of(node), text)
        except BadValue as error:
            self.app.notify(str(error), severity="error")
            return
        self._move(lambda: self.walk.capture(value))

    def _move(self, step) -> None:
        try:
            step()
        except WalkError as error:
            self.app.notify(str(error), severity="warning")
            return
        self.refresh_node()
