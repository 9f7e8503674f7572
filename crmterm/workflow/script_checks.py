"""Checking a script before anyone walks it: every problem with the node it concerns and its YAML line.

Reported: a missing or unknown start, duplicate ids, answers and exits without a target or with an unknown
one, unreachable nodes, dead ends (no way to an end node), cycles without an exit, bad CEL conditions and
decision rules, captures into unknown attributes, unknown priorities/queues/topics, missing translations.
Attribute and reference codes are resolved by the caller (the services know the database).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from crmterm.i18n import _
from crmterm.workflow import rules
from crmterm.workflow.scripts import Branch, Capture, End, Question, ScriptDocument

SCRIPT_VARIABLES = (*rules.VARIABLES, "script")
DECISION_REFS = {"priority": "priorities", "queue": "queues", "topic": "topics"}


@dataclass(frozen=True)
class Problem:
    node: str | None  # None: the script as a whole
    line: int | None
    message: str

    def __str__(self) -> str:
        where = _("node {id}").format(id=self.node) if self.node else _("script")
        return f"{where} (line {self.line}): {self.message}" if self.line else f"{where}: {self.message}"


AttributeKnown = Callable[[str, str], bool]  # (target "inquiry"/"customer", code) -> known
RefKnown = Callable[[str, str], bool]  # (kind "priorities"/"queues"/"topics", code) -> known


def validate(document: ScriptDocument, *, attribute_known: AttributeKnown | None = None,
             ref_known: RefKnown | None = None) -> list[Problem]:
    found: list[Problem] = []
    found += _ids_and_targets(document)
    found += _reachability(document)
    found += _conditions(document, attribute_known)
    found += _captures(document, attribute_known)
    found += _decisions(document, ref_known)
    found += _translations(document)
    return sorted(found, key=lambda p: (p.line or 0, p.node or ""))


def _problem(document: ScriptDocument, node_id: str | None, message: str) -> Problem:
    return Problem(node_id, document.lines.get(node_id, document.line) if node_id else document.line, message)


def _ids_and_targets(document: ScriptDocument) -> list[Problem]:
    found, seen = [], set()
    if not document.nodes:
        return [_problem(document, None, _("the script has no nodes"))]
    if document.node(document.start_id) is None:
        found.append(_problem(document, None, _("start node '{id}' does not exist").format(id=document.start)))
    for node in document.nodes:
        if node.id in seen:
            found.append(_problem(document, node.id, _("duplicate node id")))
        seen.add(node.id)
        found += _targets(document, node)
    return found


def _targets(document: ScriptDocument, node) -> list[Problem]:
    found = []
    if isinstance(node, Question) and not node.answers:
        found.append(_problem(document, node.id, _("a question needs at least one answer")))
    if isinstance(node, Question) and len(node.answers) > 9:
        found.append(_problem(document, node.id, _("at most 9 answers (keys 1-9)")))
    for index, target in enumerate(node.targets()):
        what = _exit_name(node, index)
        if target is None and isinstance(node, Question | Branch):  # a missing `next` is a dead end (below)
            found.append(_problem(document, node.id, _("{what} has no target").format(what=what)))
        elif target is not None and document.node(target) is None:
            found.append(_problem(document, node.id, _("{what} leads to unknown node '{target}'").format(
                what=what, target=target)))
    return found


def _exit_name(node, index: int) -> str:
    if isinstance(node, Question):
        return _("answer {n}").format(n=index + 1)
    if isinstance(node, Branch):
        return "then" if index == 0 else "else"
    return "next"


def _edges(document: ScriptDocument) -> dict[str, list[str]]:
    return {n.id: [t for t in n.targets() if t and document.node(t) is not None] for n in document.nodes}


def _reachability(document: ScriptDocument) -> list[Problem]:
    edges = _edges(document)
    start = document.start_id
    reachable = _closure([start] if start is not None and document.node(start) else [], edges)
    reverse: dict[str, list[str]] = {n: [] for n in edges}
    for source, targets in edges.items():
        for target in targets:
            reverse[target].append(source)
    finishing = _closure([n.id for n in document.nodes if isinstance(n, End)], reverse)
    found, reported = [], set()
    for node in document.nodes:
        if node.id in reported:
            continue
        reported.add(node.id)
        if node.id not in reachable:
            found.append(_problem(document, node.id, _("unreachable from the start")))
        elif node.id not in finishing:
            found.append(_stuck(document, node, edges, finishing, reported))
    return found


def _stuck(document: ScriptDocument, node, edges: dict, finishing: set, reported: set) -> Problem:
    """A node with no way to an end: either it stops (a dead end) or it goes round (a cycle without an exit)."""
    onward = _closure(edges[node.id], edges)
    if node.id in onward:
        cycle = [n.id for n in document.nodes if n.id in onward and node.id in _closure(edges[n.id], edges)]
        reported.update(cycle)
        return _problem(document, node.id, _("cycle without an exit: {nodes}").format(nodes=" → ".join(cycle)))
    if any(t is not None and document.node(t) is None for t in node.targets()) or None in node.targets():
        return _problem(document, node.id, _("dead end: the walk stops here without an end node"))
    return _problem(document, node.id, _("dead end: no path from here reaches an end node"))


def _closure(starts: list[str], edges: dict[str, list[str]]) -> set[str]:
    seen: set[str] = set()
    stack = [s for s in starts if s in edges]
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(edges.get(current, []))
    return seen


def _rule_problems(expression: str, attribute_known: AttributeKnown | None) -> list[str]:
    known = (lambda owner, code: attribute_known(owner, code)) if attribute_known else None
    return [str(p) for p in rules.problems(rules.normalise(expression), known, SCRIPT_VARIABLES)]


def _conditions(document: ScriptDocument, attribute_known: AttributeKnown | None) -> list[Problem]:
    return [_problem(document, node.id, _("condition: {problem}").format(problem=message))
            for node in document.nodes if isinstance(node, Branch)
            for message in _rule_problems(node.condition, attribute_known)]


def _captures(document: ScriptDocument, attribute_known: AttributeKnown | None) -> list[Problem]:
    if attribute_known is None:
        return []
    return [_problem(document, node.id, _("captures into unknown {target} attribute '{code}'").format(
                target=node.target, code=node.attribute))
            for node in document.nodes if isinstance(node, Capture)
            if not attribute_known(node.target, node.attribute)]


def _decisions(document: ScriptDocument, ref_known: RefKnown | None) -> list[Problem]:
    found = []
    for kind, decision_rules in document.decisions.items():
        for number, rule in enumerate(decision_rules, 1):
            where = _("decision {kind} #{n}").format(kind=kind, n=number)
            found += [_problem(document, None, f"{where}: {message}") for message in _rule_problems(rule.when, None)]
            if ref_known is not None and not ref_known(DECISION_REFS[kind], rule.value):
                found.append(_problem(document, None, _("{where}: unknown {kind} '{code}'").format(
                    where=where, kind=kind, code=rule.value)))
    return found


def _translations(document: ScriptDocument) -> list[Problem]:
    found = []
    found += [_problem(document, None, _("name: missing translation {langs}").format(langs=", ".join(missing)))
              for missing in [_missing(document.name, document.languages)] if missing]
    for node in document.nodes:
        texts = [("text", node.text)] if node.text or not isinstance(node, Branch) else []
        if isinstance(node, Question):
            texts += [(_("answer {n}").format(n=i), a.text) for i, a in enumerate(node.answers, 1)]
        for what, text in texts:
            missing = _missing(text, document.languages)
            if missing:
                found.append(_problem(document, node.id, _("{what}: missing translation {langs}").format(
                    what=what, langs=", ".join(missing))))
    return found


def _missing(texts: dict, languages: list[str]) -> list[str]:
    return [lang for lang in languages if not (texts.get(lang) or "").strip()]
