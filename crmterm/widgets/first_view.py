"""A panel whose first content arrives from a worker says when it is in (screens/shell/pending_tab.py waits
for it before the panel takes the focus and the keys typed meanwhile)."""

from __future__ import annotations

import asyncio

FIRST_VIEW_WAIT = 5.0  # seconds: a slow first read still gets the keys, in the field it ends up in


class FirstView:
    """Mixed into a panel whose first content arrives from a worker: `first_view_in()` once it is shown."""

    _first_view: asyncio.Event | None = None

    def _first_view_event(self) -> asyncio.Event:
        if self._first_view is None:
            self._first_view = asyncio.Event()
        return self._first_view

    def first_view_in(self) -> None:
        self._first_view_event().set()

    async def first_view(self) -> None:
        """Wait for the first content, at most FIRST_VIEW_WAIT (an error was shown where it happened)."""
        try:
            await asyncio.wait_for(self._first_view_event().wait(), FIRST_VIEW_WAIT)
        except TimeoutError:
            pass
