"""A route's definition: steps (queue or CEL-ruled queue choice, attributes shown and editable, SLA hours,
final or not) and transitions (name, CEL guard, actions). Parsing and the checks that need nothing but the
document: unknown fields, unknown steps, unreachable steps, dead ends, steps that can never finish, rule
syntax. What needs the database (queues, attributes, priorities) is checked by services/routing/route_checks.
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticError

from crmterm.i18n import _
from crmterm.workflow import rules

ACTION_KINDS = ("priority", "set", "notify", "child", "function")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class QueueChoice(_Strict):
    when: str = "true"
    queue: str


class StepDef(_Strict):
    code: str = Field(min_length=1, max_length=64)
    labels: dict[str, str] = {}
    queue: str | None = None  # the step's queue, or
    queues: list[QueueChoice] = []  # the first whose rule holds
    show: list[str] | None = None  # attribute codes shown in this step (None: all)
    edit: list[str] = []  # attribute codes editable in this step ("*": every shown one)
    sla_hours: float | None = Field(default=None, gt=0)  # resolution time in this step, in business hours
    calendar: str | None = Field(default=None, min_length=1, max_length=64)  # whose hours (None: the regulation's)
    pauses_sla: bool = False  # waiting for the customer: the regulation's clocks stop while here
    final: bool = False  # arriving here closes the inquiry
    skills: dict[str, int] = {}  # skill code -> minimum level an agent needs to take the inquiry while here

    def queue_rules(self) -> list[QueueChoice]:
        return self.queues or ([QueueChoice(queue=self.queue)] if self.queue else [])

    def label(self) -> str:
        from crmterm.i18n import pick
        return pick(self.labels, self.code)


class ActionDef(_Strict):
    """Exactly one of: set the priority, set attributes, notify a mailing list, create a child inquiry on a
    topic, call a business function (with params)."""

    priority: str | None = None
    set: dict[str, Any] | None = None
    notify: str | None = None
    child: str | None = None
    function: str | None = None
    params: dict[str, Any] = {}

    def kind(self) -> str:
        given = [name for name in ACTION_KINDS if getattr(self, name) is not None]
        return given[0] if len(given) == 1 else ""


class TransitionDef(_Strict):
    code: str = Field(min_length=1, max_length=64)
    source: str = Field(alias="from")
    target: str = Field(alias="to")
    labels: dict[str, str] = {}
    guard: str = "true"
    actions: list[ActionDef] = []
    # An external event of this name (crmterm inquiry event) moves the inquiry along this transition when the
    # guard holds; the guard sees the event as `event.name` / `event.data`. People may still take it by hand.
    on_event: str | None = Field(default=None, min_length=1, max_length=64)

    def label(self) -> str:
        from crmterm.i18n import pick
        return pick(self.labels, self.code)


@dataclass(frozen=True)
class RouteProblem:
    where: str  # "steps[2] billing" or "transitions[1] approve: guard"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class RouteDefinition(_Strict):
    steps: list[StepDef]
    transitions: list[TransitionDef] = []

    @property
    def first(self) -> StepDef:
        return self.steps[0]

    def step(self, code: str | None) -> StepDef | None:
        return next((s for s in self.steps if s.code == code), None)

    def known_step(self, code: str) -> StepDef:
        """A step the route holds for certain, such as a transition's target (checked when it was saved)."""
        found = self.step(code)
        if found is None:
            raise LookupError(f"route has no step {code!r}")
        return found

    def outgoing(self, code: str | None) -> list[TransitionDef]:
        return [t for t in self.transitions if t.source == code]

    def canonical(self) -> dict:
        return self.model_dump(by_alias=True, exclude_defaults=True)

    def digest(self) -> str:
        text = json.dumps(self.canonical(), sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def parse(steps: Any, transitions: Any) -> tuple[RouteDefinition | None, list[RouteProblem]]:
    """The definition and every structural problem (an unparseable document gives None and its problems)."""
    try:
        definition = RouteDefinition.model_validate({"steps": steps or [], "transitions": transitions or []})
    except PydanticError as error:
        return None, [_pydantic_problem(e) for e in error.errors()]
    return definition, structural_problems(definition)


def _pydantic_problem(error: Mapping[str, Any]) -> RouteProblem:
    location = error["loc"]
    where = f"{location[0]}[{location[1] + 1}]" if len(location) > 1 else str(location[0])
    field = ".".join(str(p) for p in location[2:])
    message = _("unknown field") if error["type"] == "extra_forbidden" else error["msg"]
    return RouteProblem(f"{where} {field}".strip(), message)


def structural_problems(route: RouteDefinition) -> list[RouteProblem]:
    found: list[RouteProblem] = []
    if not route.steps:
        return [RouteProblem("steps", _("a route needs at least one step"))]
    found += _step_problems(route)
    found += _transition_problems(route)
    codes = {s.code for s in route.steps}
    if all(t.source in codes and t.target in codes for t in route.transitions):
        found += _graph_problems(route)
    return found


def _where_step(index: int, step: StepDef) -> str:
    return f"steps[{index + 1}] {step.code}"


def _where_transition(index: int, transition: TransitionDef) -> str:
    return f"transitions[{index + 1}] {transition.code}"


def _step_problems(route: RouteDefinition) -> list[RouteProblem]:
    found, seen = [], set()
    for index, step in enumerate(route.steps):
        where = _where_step(index, step)
        if step.code in seen:
            found.append(RouteProblem(where, _("step code used twice")))
        seen.add(step.code)
        if step.final and step.queue_rules():
            found.append(RouteProblem(where, _("a final step closes the inquiry and has no queue")))
        if step.final and (step.sla_hours or step.calendar or step.pauses_sla):
            found.append(RouteProblem(where, _("a final step closes the inquiry and has no SLA")))
        if not step.final and not step.queue_rules():
            found.append(RouteProblem(where, _("name a queue, or queue rules, or make the step final")))
        if step.queue and step.queues:
            found.append(RouteProblem(where, _("give either queue or queues, not both")))
        for n, choice in enumerate(step.queues):
            found += [RouteProblem(f"{where}: queues[{n + 1}].when", str(p)) for p in rules.problems(
                rules.normalise(choice.when))]
    if route.first.final:
        found.append(RouteProblem(_where_step(0, route.first), _("the first step cannot be final")))
    return found


def _transition_problems(route: RouteDefinition) -> list[RouteProblem]:
    found, seen, codes = [], set(), {s.code for s in route.steps}
    for index, transition in enumerate(route.transitions):
        where = _where_transition(index, transition)
        for name, code in (("from", transition.source), ("to", transition.target)):
            if code not in codes:
                found.append(RouteProblem(f"{where}: {name}", _("no step '{code}'").format(code=code)))
        source = route.step(transition.source)
        if source is not None and source.final:
            found.append(RouteProblem(where, _("a final step has no way out")))
        if (transition.source, transition.code) in seen:
            found.append(RouteProblem(where, _("two transitions from '{step}' named '{code}'").format(
                step=transition.source, code=transition.code)))
        seen.add((transition.source, transition.code))
        found += [RouteProblem(f"{where}: guard", str(p)) for p in rules.problems(rules.normalise(transition.guard))]
        for n, action in enumerate(transition.actions):
            if not action.kind():
                found.append(RouteProblem(f"{where}: actions[{n + 1}]", _("give exactly one of: {kinds}").format(
                    kinds=", ".join(ACTION_KINDS))))
    return found


def _graph_problems(route: RouteDefinition) -> list[RouteProblem]:
    found = []
    reachable = _reachable(route, [route.first.code], forward=True)
    finals = [s.code for s in route.steps if s.final]
    finishing = _reachable(route, finals, forward=False)
    for index, step in enumerate(route.steps):
        where = _where_step(index, step)
        if step.code not in reachable:
            found.append(RouteProblem(where, _("unreachable from the first step '{first}'").format(
                first=route.first.code)))
        elif not step.final and not route.outgoing(step.code):
            found.append(RouteProblem(where, _("no way out and not final: add a transition or make it final")))
        elif step.code not in finishing:
            found.append(RouteProblem(where, _("no path from here reaches a final step")))
    return found


def _reachable(route: RouteDefinition, start: list[str], *, forward: bool) -> set[str]:
    seen, todo = set(start), deque(start)
    while todo:
        code = todo.popleft()
        for t in route.transitions:
            here, there = (t.source, t.target) if forward else (t.target, t.source)
            if here == code and there not in seen:
                seen.add(there)
                todo.append(there)
    return seen


def diagram(route: RouteDefinition) -> list[str]:
    """A text diagram: each step with its queue choice, then its transitions with guards."""
    lines = []
    for index, step in enumerate(route.steps):
        marker = "■" if step.final else ("▶" if index == 0 else "●")
        queues = ", ".join(q.queue if q.when in ("true", "") else f"{q.queue} if {q.when}" for q in step.queue_rules())
        lines.append(f"{marker} {step.code}" + (f"  [{queues}]" if queues else "") + _sla_note(step))
        for t in route.outgoing(step.code):
            guard = "" if t.guard in ("true", "") else f"  when {t.guard}"
            trigger = f"  on event {t.on_event}" if t.on_event else ""
            lines.append(f"    ─ {t.code} ─▶ {t.target}{trigger}{guard}")
    return lines


def _sla_note(step: StepDef) -> str:
    hours = f"{step.sla_hours:g} h" + (f" ({step.calendar})" if step.calendar else "") if step.sla_hours else ""
    return (f"  {hours}" if hours else "") + ("  ⏸" if step.pauses_sla else "")
