"""A drop-down whose blank stands for a value (Register's priority: blank is the topic's default): opened
blank, its highlight starts on that value, so Enter keeps it and the arrows move from it."""

from __future__ import annotations

from textual.widgets import Select
from textual.widgets._select import SelectOverlay  # the list shown while open (no public name)


class ImpliedSelect(Select):
    implied: str | None = None  # what the blank means now

    def _watch_expanded(self, expanded: bool) -> None:
        super()._watch_expanded(expanded)
        if not expanded or self.value is not Select.NULL or self.implied is None:
            return
        index = next((i for i, (_label, value) in enumerate(self._options) if value == self.implied), None)
        if index is not None:
            self.query_one(SelectOverlay).select(index)
