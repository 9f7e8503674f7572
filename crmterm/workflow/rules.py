"""Rules: CEL expressions compiled once, cached, validated with positions, evaluated in microseconds.

A rule sees the context of DESIGN.md §6: `inquiry` (topic, type, priority, channel, place, attrs),
`customer` (category, attrs, structures), `contact`, `operator` and `now`. A rule that cannot be evaluated —
most often because it reads an attribute that is still empty — counts as false, so a half-filled form
never fails; validation at save time catches everything that can be caught before run time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from crmterm.workflow.rule_scopes import free_names

# `event` ({name, data}) is set only where an event is evaluated: transitions moved by an external event and
# automation rules; elsewhere a rule reading it cannot be evaluated and so is false.
VARIABLES = ("inquiry", "customer", "contact", "operator", "now", "event")
CONSTANTS = {"true": True, "false": False, "": False}
# The cel library evaluates recursively in native code: `1+1+…` with 20 000 terms (80 KB) overflows the stack
# and kills the process (a segmentation fault, not an exception). Real rules are a line or two.
MAX_LENGTH = 4000
_POSITION = re.compile(r"<input>:(\d+):(\d+): (.*)")
# Some parser errors arrive as a Rust debug dump, `OtherError(ParseError { …, msg: "Recursion limit of 96
# exceeded", … })`: only its `msg` means something to an admin.
_RUST_DEBUG = re.compile(r'\w+\(\w+ \{.*?\bmsg: "((?:[^"\\]|\\.)*)".*\}\)')
_ATTRIBUTE = re.compile(r"\b(inquiry|customer)\.attrs(?:\.([A-Za-z_]\w*)|\[\s*[\"']([^\"']+)[\"']\s*\])")


@dataclass(frozen=True)
class RuleProblem:
    message: str
    column: int | None = None  # 1-based column inside the expression

    def __str__(self) -> str:
        return f"column {self.column}: {self.message}" if self.column else self.message


def normalise(raw: Any) -> str:
    """YAML booleans and blank mean constant rules; anything else is CEL text."""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    text = "" if raw is None else str(raw).strip()
    if text.lower() in CONSTANTS:
        return text.lower() or "false"
    return text


@lru_cache(maxsize=4096)
def _program(expression: str):
    # Imported on first use: the `cel` package pulls in prompt_toolkit for its own CLI (0.13 s of start-up)
    import cel

    if len(expression) > MAX_LENGTH:
        raise ValueError(f"a rule may be at most {MAX_LENGTH} characters long")
    return cel.compile(expression)


def problems(expression: str, attribute_known: Callable[[str, str], bool] | None = None,
             variables: tuple[str, ...] = VARIABLES) -> list[RuleProblem]:
    """Everything wrong with a rule: syntax (with column), unknown variables, unknown attribute codes.
    `attribute_known(owner, code)` answers for `inquiry.attrs.X` (owner "inquiry") and `customer.attrs.X`;
    `variables` widens the context where more is set (scripts add `script`)."""
    if expression in CONSTANTS:
        return []
    try:
        program = _program(expression)
    except ValueError as error:
        return [_syntax_problem(str(error))]
    found = [RuleProblem(f"unknown variable '{name}' (use {', '.join(variables)})")
             for name in _read_variables(program, expression) if name not in variables]
    if attribute_known is not None:
        for owner, code in referenced_attributes(expression):
            if not attribute_known(owner, code):
                column = expression.find(code) + 1
                found.append(RuleProblem(f"unknown attribute '{code}'", column or None))
    return found


def reads(expression: str, variable: str) -> bool:
    """Whether a (valid) rule refers to a context variable, e.g. whether a guard reads the `event`."""
    if expression in CONSTANTS:
        return False
    try:
        return variable in _read_variables(_program(expression), expression)
    except ValueError:
        return False


def _read_variables(program, expression: str) -> list[str]:
    """The context variables a rule reads: cel's list without the names its macros bind (rule_scopes)."""
    names = program.variables()
    unusual = [name for name in names if name not in VARIABLES]
    if not unusual:  # the usual rule: nothing to tell apart, no scan
        return names
    free = free_names(expression)
    return [name for name in names if name in VARIABLES or name in free]


def _syntax_problem(text: str) -> RuleProblem:
    match = _POSITION.search(text)
    if not match:
        return RuleProblem(text.splitlines()[0])
    message = match.group(3).split(" expecting {")[0].strip()  # the token list is noise to an admin
    message = _RUST_DEBUG.sub(r"\1", message)
    line, column = int(match.group(1)), int(match.group(2))
    return RuleProblem(message if line == 1 else f"line {line}: {message}", column)


def referenced_attributes(expression: str) -> Iterable[tuple[str, str]]:
    for match in _ATTRIBUTE.finditer(expression):
        yield match.group(1), match.group(2) or match.group(3)


class Deferred:
    """A context field computed only when a rule reads it, at most once: `customer.balance` asks the billing
    system (services/billing), which no rule that does not mention it should wait for. None: the field is
    missing (a rule reading it cannot be evaluated, so counts as false)."""

    def __init__(self, compute: Callable[[], Any]) -> None:
        self._compute, self._done, self._value = compute, False, None

    def value(self) -> Any:
        if not self._done:
            self._value, self._done = self._compute(), True
        return self._value


def _resolved(expression: str, context: dict) -> dict:
    """The context with its deferred fields computed where the rule reads them and left out elsewhere."""
    resolved = context
    for name, part in context.items():
        if not isinstance(part, dict) or not any(isinstance(v, Deferred) for v in part.values()):
            continue
        fields = {key: value for key, value in part.items() if not isinstance(value, Deferred)}
        for key, value in part.items():
            if isinstance(value, Deferred) and re.search(rf"\b{name}\s*\.\s*{key}\b", expression):
                computed = value.value()
                if computed is not None:
                    fields[key] = computed
        resolved = {**resolved, name: fields}
    return resolved


def evaluate(expression: str, context: dict) -> Any:
    """The rule's value; raises ValueError/KeyError/TypeError from CEL when it cannot be computed."""
    try:
        return _program(expression).execute(_resolved(expression, context))
    except ArithmeticError as error:  # cel's OverflowError for `-9223372036854775808 / -1`: one more "cannot"
        raise ValueError(str(error)) from None


def holds(expression: str, context: dict) -> bool:
    """A flag rule: constants without CEL, anything that fails to evaluate counts as false."""
    constant = CONSTANTS.get(expression)
    if constant is not None:
        return constant
    try:
        return evaluate(expression, context) is True
    except (ValueError, KeyError, TypeError, RuntimeError):
        return False
