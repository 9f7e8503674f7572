"""Walking a script: one node at a time, back and forward, branches decided by CEL, decisions at the end.

The walk keeps only the agent's choices (answer numbers, captured values, "read" for statements); the
current node, path, score and captures are replayed from the start after every step, so going back and
choosing differently can never leave stale captures or scores behind. Branch nodes are never shown: they
are passed through with the rules' context plus `script` ({score, answers, values, outcome}).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from crmterm.workflow import rules
from crmterm.workflow.scripts import Branch, Capture, End, Question, ScriptDocument, Statement

MAX_HOPS = 200  # branches passed in a row before a (validation-missed) loop is declared


class WalkError(ValueError):
    """A choice that does not fit the current node (wrong answer number, a capture on a question, …)."""


@dataclass
class _State:
    node: Any
    path: list[str] = field(default_factory=list)
    score: int = 0
    answers: dict[str, str] = field(default_factory=dict)
    captures: dict[str, Any] = field(default_factory=dict)  # attribute code -> typed value


@dataclass(frozen=True)
class Decision:
    priority: str | None = None
    queue: str | None = None
    topic: str | None = None


class Walk:
    """`context` is the rules' context (inquiry, customer, …); `to_cel` turns a captured value into what a
    rule sees (dates as timestamps, decimals as numbers)."""

    def __init__(self, document: ScriptDocument, context: dict | None = None,
                 to_cel: Callable[[Any], Any] = lambda v: v) -> None:
        self.document = document
        self.context = dict(context or {})
        self.to_cel = to_cel
        self.choices: list[Any] = []
        self._redo: list[Any] = []
        self._state = self._replay(self.choices)

    # --- reading -----------------------------------------------------------------------------------
    @property
    def node(self):
        return self._state.node

    @property
    def finished(self) -> bool:
        return isinstance(self.node, End)

    @property
    def score(self) -> int:
        return self._state.score

    @property
    def path(self) -> list[str]:
        return list(self._state.path)

    @property
    def answers(self) -> dict[str, str]:
        return dict(self._state.answers)

    @property
    def captures(self) -> dict[str, Any]:
        return dict(self._state.captures)

    @property
    def outcome(self) -> str | None:
        return self.node.outcome if self.finished else None

    @property
    def can_back(self) -> bool:
        return bool(self.choices)

    @property
    def can_forward(self) -> bool:
        return bool(self._redo)

    def captured(self, node_id: str) -> Any:
        """The value a capture node holds in this walk (to pre-fill its field when the agent goes back)."""
        node = self.document.node(node_id)
        return self._state.captures.get(node.attribute) if isinstance(node, Capture) else None

    # --- moving ------------------------------------------------------------------------------------
    def answer(self, number: int) -> None:
        """Choose answer `number` (1-based) of the current question."""
        if not isinstance(self.node, Question) or not 1 <= number <= len(self.node.answers):
            raise WalkError(f"no answer {number} here")
        self._choose(number)

    def capture(self, value: Any) -> None:
        """Store the (already typed and checked) value of the current capture node; None skips an optional one."""
        if not isinstance(self.node, Capture):
            raise WalkError("this node captures nothing")
        if value is None and self.node.required:
            raise WalkError("a value is required")
        self._choose(("value", value))

    def proceed(self) -> None:
        """Past a statement (the agent read it out)."""
        if not isinstance(self.node, Statement):
            raise WalkError("nothing to read here")
        self._choose("read")

    def back(self) -> None:
        if self.choices:
            self._redo.append(self.choices.pop())
            self._state = self._replay(self.choices)

    def forward(self) -> None:
        """Redo the choice undone by `back` (what the agent chose before going back)."""
        if self._redo:
            self.choices.append(self._redo.pop())
            self._state = self._replay(self.choices)

    def replay(self, choices: list[Any]) -> None:
        """Restore a walk from saved choices (a run's `path` data)."""
        self.choices, self._redo = [], []
        for choice in choices:
            self._choose(tuple(choice) if isinstance(choice, list) else choice)

    def _choose(self, choice: Any) -> None:
        state = self._replay([*self.choices, choice])
        self._redo = self._redo[:-1] if self._redo and self._redo[-1] == choice else []
        self.choices.append(choice)
        self._state = state

    # --- replaying ---------------------------------------------------------------------------------
    def _replay(self, choices: list[Any]) -> _State:
        state = _State(node=None)
        self._enter(state, self.document.start_id)
        for choice in choices:
            self._apply(state, choice)
        return state

    def _apply(self, state: _State, choice: Any) -> None:
        node = state.node
        if isinstance(node, Question) and isinstance(choice, int) and 1 <= choice <= len(node.answers):
            answer = node.answers[choice - 1]
            state.score += node.weight * answer.score
            state.answers[node.id] = node.answer_code(choice - 1)
            return self._enter(state, answer.next)
        if isinstance(node, Capture) and isinstance(choice, tuple):
            if choice[1] is not None:
                state.captures[node.attribute] = choice[1]
            return self._enter(state, node.next)
        if isinstance(node, Statement) and choice == "read":
            return self._enter(state, node.next)
        raise WalkError(f"choice {choice!r} does not fit node {getattr(node, 'id', None)}")

    def _enter(self, state: _State, node_id: str | None) -> None:
        for _hop in range(MAX_HOPS):
            node = self.document.node(node_id)
            if node is None:
                raise WalkError(f"node '{node_id}' does not exist")
            state.path.append(node.id)
            if not isinstance(node, Branch):
                state.node = node
                return
            node_id = node.then if rules.holds(rules.normalise(node.condition), self.rule_context(state)) \
                else node.otherwise
        raise WalkError("branches loop without asking anything")

    def rule_context(self, state: _State | None = None) -> dict:
        state = state or self._state
        outcome = state.node.outcome if isinstance(state.node, End) else ""
        script = {"score": state.score, "answers": dict(state.answers), "outcome": outcome,
                  "values": {code: self.to_cel(v) for code, v in state.captures.items()}}
        return {**self.context, "script": script}


def decide(walk: Walk) -> Decision:
    """The first rule of each decision kind whose `when` holds over the finished walk."""
    context = walk.rule_context()
    chosen = {kind: next((r.value for r in kind_rules if rules.holds(rules.normalise(r.when), context)), None)
              for kind, kind_rules in walk.document.decisions.items()}
    return Decision(**chosen)
