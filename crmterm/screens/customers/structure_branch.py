"""The Customers tab's structure tree, loaded lazily: the structures to choose from, then the branch from the
top of the chosen structure down to the customer shown (with the children of each step on the way, the
customer under the cursor), and a node's children when it is first expanded. A mix-in of CustomersPanel
(customers.py), which handles the tree's messages (@on is not seen in mix-ins)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from textual import work
from textual.widgets import Select, Tree

from crmterm.i18n import _, current_language, pick
from crmterm.services.customers import customer_views, structures
from crmterm.services.directory import directory
from crmterm.widgets.host import WidgetPart
from crmterm.widgets.safe_text import plain


class StructureBranch(WidgetPart):
    """CustomersPanel sets `party_id` and gives `_as_of`."""

    party_id: int | None  # the customer shown

    if TYPE_CHECKING:
        def _as_of(self) -> date | None: ...  # the card's "as of" day (None: today)

    @work(thread=True, group="customer-lookups")
    def load_structures(self) -> None:
        entries = self.app.gateway.call(directory.list_entries, kind="structures", active_only=True)
        options = [(plain(pick(e.values["labels"], e.key)), e.key) for e in entries]
        self.app.call_from_thread(self._set_structures, options)

    def _set_structures(self, options) -> None:
        choice = self.query_one("#structure-choice", Select)
        choice.set_options(options)
        if options:
            choice.value = options[0][1]

    def load_branch(self) -> None:
        structure = self.query_one("#structure-choice", Select).value
        if self.party_id is not None and structure is not Select.NULL:
            self._load_branch(structure, self.party_id, self._as_of())

    @work(thread=True, exclusive=True, group="customer-tree")
    def _load_branch(self, structure: str, party_id: int, as_of: date | None) -> None:
        steps = self.app.gateway.call(customer_views.branch_to, structure=structure, party_id=party_id, as_of=as_of)
        self.app.call_from_thread(self._draw_branch, structure, party_id, steps)

    def _draw_branch(self, structure: str, party_id: int, steps) -> None:
        tree = self.query_one("#structure-tree", Tree)
        tree.clear()
        tree.root.data = {"structure": structure}
        if not steps:
            tree.root.add_leaf(plain(_("Not in this structure")))
            return
        language = current_language()
        node = tree.root.add(plain(steps[0][0].name_in(language)), data={"id": steps[0][0].party_id, "loaded": True},
                             expand=True)
        for index, (step, kids) in enumerate(steps):
            following = steps[index + 1][0].party_id if index + 1 < len(steps) else None
            next_node = None
            for kid in kids:
                # the kid on the way to the customer comes with its children, so it counts as loaded
                added = node.add(plain(kid.name_in(language)),
                                 data={"id": kid.party_id, "loaded": kid.party_id == following},
                                 allow_expand=kid.has_children, expand=kid.party_id == following)
                next_node = added if kid.party_id == following else next_node
                if kid.party_id == party_id:
                    tree.move_cursor(added)
            if step.party_id == party_id:
                tree.move_cursor(node)
            if next_node is None:
                break
            node = next_node

    @work(thread=True, group="customer-tree-children")
    def _load_children(self, node, structure: str, parent_id: int) -> None:
        kids = self.app.gateway.call(structures.children, structure=structure, parent_id=parent_id,
                                     on=self._as_of())
        self.app.call_from_thread(self._add_branch_children, node, kids)

    def _add_branch_children(self, node, kids) -> None:
        for kid in kids:
            node.add(plain(kid.name_in(current_language())), data={"id": kid.party_id, "loaded": False},
                     allow_expand=kid.has_children)
