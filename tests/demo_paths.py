"""Helpers for the demo-content tests: every path through a script, and valid values for a topic's form.

Paths are found by replaying choices through `script_runs.replay` (what a saved run goes through), so a
choice the runner would refuse is refused here too. Capture values are varied only to steer branches: every
dictionary item and both yes/no answers are tried, and walks that pass the same nodes with the same answers
count as one path.
"""

from __future__ import annotations

from functools import cache

from hypothesis import HealthCheck, find, settings
from hypothesis import strategies as st
from sqlmodel import Session

from crmterm.services.knowledge.script_runs import replay
from crmterm.services.knowledge.scripts import CaptureField, RunSpec
from crmterm.services.topics import attribute_checks
from crmterm.services.topics.attribute_forms import AttributeForm, FieldDef
from crmterm.services.topics.attribute_values import is_empty
from crmterm.workflow.scripts import Branch, Capture, Question, Statement

SAMPLES = {"bool": "yes", "integer": "2", "decimal": "150.50", "date": "2031-03-14",
           "datetime": "2031-03-14 09:30", "text": "Told on the phone", "string": "Sample"}
_QUIET = settings(database=None, deadline=None, suppress_health_check=list(HealthCheck))


@cache  # shrinking takes most of a second
def matching(pattern: str) -> str:
    """The simplest text a pattern matches in full (hypothesis shrinks to it), for fields with a pattern."""
    return find(st.from_regex(pattern, fullmatch=True), lambda _text: True, settings=_QUIET)


def sample(kind: str, pattern: str | None, max_length: int | None) -> str:
    if pattern:
        return matching(pattern)
    return SAMPLES[kind][:max_length] if max_length else SAMPLES[kind]


# --- script paths ---------------------------------------------------------------------------------------

def capture_options(spec: CaptureField | None, node: Capture) -> list[str]:
    """Texts an agent might type at a capture: every list item and both yes/no (they may steer a branch),
    one valid value of any other type; an optional capture may also be skipped."""
    if spec is None:
        options = ["Sample"]
    elif spec.choices:
        options = [code for code, _label in spec.choices]
    elif spec.type == "bool":
        options = ["yes", "no"]
    else:
        options = [sample(spec.type, spec.pattern, spec.max_length)]
    return options if node.required else [*options, ""]


def _choices_at(spec: RunSpec, node) -> list:
    if isinstance(node, Question):
        return list(range(1, len(node.answers) + 1))
    if isinstance(node, Statement):
        return ["read"]
    if isinstance(node, Capture):
        return [["value", text] for text in capture_options(spec.field_of(node), node)]
    raise AssertionError(f"the walk stopped on {node!r}")


def every_path(spec: RunSpec) -> list[list]:
    """One list of choices (save_run's format) per distinct path: the nodes passed and the answers given."""
    found: dict[tuple, list] = {}

    def visit(choices: list) -> None:
        walk = replay(spec, choices)
        if walk.finished:
            found.setdefault((tuple(walk.path), tuple(sorted(walk.answers.items()))), choices)
            return
        for choice in _choices_at(spec, walk.node):
            visit([*choices, choice])

    visit([])
    return list(found.values())


def untaken_turns(spec: RunSpec, paths: list[list]) -> set[str]:
    """Nodes no path reaches, and `branch:then|else` sides no path takes: what the paths fail to cover."""
    passed = [replay(spec, choices).path for choices in paths]
    missing = {n.id for n in spec.document.nodes} - {node for path in passed for node in path}
    for node in (n for n in spec.document.nodes if isinstance(n, Branch)):
        after = {path[i + 1] for path in passed for i, step in enumerate(path[:-1]) if step == node.id}
        missing |= {f"{node.id}:{side}" for side, target in (("then", node.then), ("else", node.otherwise))
                    if target not in after}
    return missing


# --- topic forms ----------------------------------------------------------------------------------------

def field_value(field: FieldDef, options: dict[str, list[tuple[str, str]]], customer_id: int) -> str | int:
    """A valid value for a field: the first list item, the customer itself, or a sample of its type."""
    if field.type in ("dictionary", "query"):
        assert options.get(field.code), f"{field.code}: the list ({field.dictionary or field.query}) is empty"
        return options[field.code][0][0]
    if field.type == "customer_ref":
        return customer_id
    return sample(field.type, field.pattern, field.max_length)


def valid_values(session: Session, actor, form: AttributeForm, customer_id: int, context: dict,
                 every_field: bool = False) -> dict:
    """Values the form accepts: each field the rules make mandatory (or, with `every_field`, each field that
    is neither read-only nor hidden) filled until the form has no more to ask, as an agent would fill it."""
    options = attribute_checks.options(session=session, actor=actor, form=form, customer_id=customer_id)
    values: dict = {}
    for _round in range(len(form.fields) + 1):
        checked = attribute_checks.check_values(session=session, actor=actor, form=form, raw=values,
                                                customer_id=customer_id, context=context, fill_defaults=True)
        wanted = [f for f in form.fields if f.code not in values and _wanted(f, checked, every_field)]
        if not wanted:
            return values
        values |= {f.code: field_value(f, options, customer_id) for f in wanted}
    raise AssertionError(f"{form.topic}: the form keeps asking for values")


def _wanted(field: FieldDef, checked, every_field: bool) -> bool:
    flags = checked.flags[field.code]
    if every_field:
        return not flags.readonly and not flags.hidden
    return flags.mandatory and is_empty(checked.values[field.code])
