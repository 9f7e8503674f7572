"""A workspace tab's content is built the first time the tab is opened, not at log-in.

An agent opens a few tabs a shift; building every panel up front (the admin's nine) cost seconds of CPU at
each log-in. Until its panel stands, the tab holds a `PendingTab`: it takes the focus and keeps the keys typed
meanwhile (widgets/type_ahead.KeyHolder). A panel whose first rows decide where the focus goes (the queue
list: its rows, or the list of queues when there are none) is a `FirstView` (widgets/first_view.py) and says
when they are in; then the panel focuses itself and the held keys are replayed there, in the order typed.
"""

from __future__ import annotations

from textual.widget import Widget

from crmterm.widgets.type_ahead import KeyHolder


class PendingTab(KeyHolder, Widget):
    DEFAULT_CSS = "PendingTab { height: 1; }"

    def __init__(self, tab: str) -> None:
        super().__init__(id=f"pending-{tab}")
        self.tab = tab
