"""The script editor's outline: the script at the root, its nodes (start first) with their kind, and under
each node its answers and exits with the node they lead to. Unreachable nodes are dimmed and marked, nodes
with problems carry a warning sign. Node texts are shown literally (widgets/safe_text)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from crmterm.i18n import _, current_language
from crmterm.screens.admin.script_doc import exits, outline_order, reachable
from crmterm.widgets.safe_text import plain
from crmterm.workflow.scripts import text_of

KIND_MARKS = {"question": "?", "statement": "¶", "capture": "✎", "branch": "⑂", "end": "■"}
NodeKey = tuple[str, int | None]  # ("script", None) or ("node", index in the document)


class ScriptOutline(Tree[NodeKey]):
    def __init__(self, **kwargs) -> None:
        super().__init__(_("Script"), data=("script", None), **kwargs)
        self.auto_expand = False
        self._order: list[int] = []
        self._placed: dict[int, TreeNode[NodeKey]] = {}

    def show(self, document: dict, problem_counts: dict[str, int], title: Text) -> None:
        """Redraw everything; in place (cursor and scroll kept) when the nodes' order did not change."""
        order = outline_order(document)
        if order != self._order or set(self._placed) != set(order):
            self._rebuild(document, order)
        self.root.set_label(title)
        live = reachable(document)
        languages = document.get("languages") or ["en", "ru"]
        for index in order:
            self._relabel(self._placed[index], document, index, live, problem_counts, languages)

    def _rebuild(self, document: dict, order: list[int]) -> None:
        selected = self.cursor_node.data if self.cursor_node is not None else None
        self.clear()
        self._order = order
        self._placed = {i: self.root.add("", data=("node", i), expand=True) for i in order}
        self.root.expand()
        index = selected[1] if selected and selected[0] == "node" else None
        target = self._placed.get(index) if index is not None else None
        self.call_after_refresh(self.move_cursor, target or self.root)

    def _relabel(self, tree_node: TreeNode, document: dict, index: int, live: set[str],
                 problem_counts: dict[str, int], languages: list[str]) -> None:
        node = document["nodes"][index]
        tree_node.set_label(node_label(node, index, node["id"] in live, problem_counts.get(node["id"], 0),
                                       languages))
        labels = [exit_label(node, number, what, target, document, languages)
                  for number, (what, target) in enumerate(exits(node))]
        children = list(tree_node.children)
        if len(children) != len(labels):
            tree_node.remove_children()
            children = [tree_node.add_leaf("", data=("node", index)) for _label in labels]
        for child, label in zip(children, labels, strict=True):
            child.set_label(label)

    def select_index(self, index: int | None) -> None:
        target = self._placed.get(index) if index is not None else self.root
        if target is not None:
            self.move_cursor(target)


def node_label(node: dict, index: int, is_reachable: bool, problems: int, languages: list[str]) -> Text:
    label = Text.assemble((f"{KIND_MARKS.get(node.get('type', ''), '·')} ", "bold"), (f"#{index + 1} ", "dim"),
                          plain(node["id"], style="bold"))
    text = text_of(node.get("text") or {}, current_language(), languages)
    if text:
        label.append_text(plain(f"  {_short(text)}"))
    if not is_reachable:
        label.stylize("dim")
        label.append(" " + _("(unreachable)"), style="italic")
    if problems:
        label.append(f" ⚠{problems}", style="bold yellow")
    return label


def exit_label(node: dict, number: int, what: str, target: str | None, document: dict,
               languages: list[str]) -> Text:
    label = Text()
    if node.get("type") == "question":
        answer = node["answers"][number]
        label.append(f"{number + 1}. ", style="bold")
        label.append_text(plain(_short(text_of(answer.get("text") or {}, current_language(), languages))))
        label.append(f" [{answer.get('score', 0)}]", style="dim")
    else:
        label.append(what, style="italic")
    known = any(n["id"] == target for n in document.get("nodes", []))
    label.append(" → ")
    label.append_text(plain(target, style="bold") if known else plain(target or "?", style="bold red"))
    return label


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
