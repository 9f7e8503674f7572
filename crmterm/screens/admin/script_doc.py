"""The script editor's working copy: plain dicts in the config-as-code shape
(services/knowledge/script_admin.canonical), changed one node at a time. No Textual here; the checks proper run
in the services (workflow/script_checks)."""

from __future__ import annotations

import copy
import re
from typing import Any

from crmterm.i18n import _

NODE_KINDS = ("question", "statement", "capture", "branch", "end")
ID_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]{0,63}$")
EXIT_KEYS = ("next", "then", "else")


def exits(node: dict) -> list[tuple[str, str | None]]:
    """(what, target) of every way out of a node, in the order the checks number them."""
    if node.get("type") == "question":
        return [(_("answer {n}").format(n=i), a.get("next")) for i, a in enumerate(node.get("answers", []), 1)]
    if node.get("type") == "branch":
        return [("then", node.get("then")), ("else", node.get("else"))]
    if node.get("type") in ("statement", "capture"):
        return [("next", node.get("next"))]
    return []


def start_of(document: dict) -> str | None:
    nodes = document.get("nodes", [])
    return document.get("start") or (nodes[0]["id"] if nodes else None)


def outline_order(document: dict) -> list[int]:
    """Node indexes as the outline lists them: the start node first, then the document's order."""
    nodes = document.get("nodes", [])
    start = next((i for i, n in enumerate(nodes) if n["id"] == start_of(document)), None)
    return ([start] if start is not None else []) + [i for i in range(len(nodes)) if i != start]


def reachable(document: dict) -> set[str]:
    by_id = {n["id"]: n for n in document.get("nodes", [])}
    seen: set[str] = set()
    stack = [start_of(document)]
    while stack:
        current = stack.pop()
        if current is not None and current in by_id and current not in seen:
            seen.add(current)
            stack.extend(target for _what, target in exits(by_id[current]))
    return seen


def index_of(document: dict, node_id: str | None) -> int | None:
    return next((i for i, n in enumerate(document.get("nodes", [])) if n["id"] == node_id), None)


def new_node(kind: str, taken: set[str]) -> dict:
    number = 1
    while f"{kind}_{number}" in taken:
        number += 1
    node = convert({"id": f"{kind}_{number}", "text": {}}, kind)
    return node


def convert(node: dict, kind: str) -> dict:
    """The node as another kind: id and text stay, the kind's own fields start empty."""
    base = {"id": node["id"], "type": kind, "text": dict(node.get("text") or {})}
    extras: dict[str, dict[str, Any]] = {
        "question": {"answers": [], "weight": 1}, "capture": {"attribute": "", "target": "inquiry"},
        "branch": {"condition": "true"}, "end": {"outcome": "done"}}
    extra = extras.get(kind, {})
    return base | copy.deepcopy(extra)


def replace_node(document: dict, index: int, node: dict) -> None:
    """Put `node` at `index`; a renamed node takes every reference to it (answers, exits, start) along."""
    old = document["nodes"][index]["id"]
    document["nodes"][index] = node
    if node["id"] != old:
        rename_references(document, old, node["id"])


def rename_references(document: dict, old: str, new: str) -> None:
    if document.get("start") == old:
        document["start"] = new
    for node in document.get("nodes", []):
        for key in EXIT_KEYS:
            if node.get(key) == old:
                node[key] = new
        for answer in node.get("answers", []):
            if answer.get("next") == old:
                answer["next"] = new


def remove_node(document: dict, index: int) -> None:
    """Drop a node; references to it are left dangling on purpose, so the problems list shows where."""
    removed = document["nodes"].pop(index)
    if document.get("start") == removed["id"]:
        document.pop("start")


# --- decisions as lines: `CEL condition -> value` ---------------------------------------------------------

def decision_text(rules: list[dict]) -> str:
    return "\n".join(f"{r.get('when', 'true')} -> {r.get('value', '')}" for r in rules)


def parse_decisions(text: str) -> tuple[list[dict], str | None]:
    """The rules of one decision kind, one per line; the error names the first line that is not a rule."""
    found: list[dict] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        when, arrow, value = line.rpartition("->")
        if not arrow or not when.strip() or not value.strip():
            return found, _("line {n}: write it as 'condition -> value'").format(n=number)
        found.append({"when": when.strip(), "value": value.strip()})
    return found, None


def id_error(node_id: str, others: set[str]) -> str | None:
    if not ID_PATTERN.match(node_id):
        return _("a letter, then letters, digits, _ or - (at most 64)")
    if node_id in others:
        return _("another node has this id")
    return None
