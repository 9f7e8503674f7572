"""A command palette provider over a plain list of (title, action): the app's own and a domain's extra entries
share how they are discovered and matched."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

Command = tuple[str, Callable[[], Any]]  # a palette entry: its title and what it runs


class ListedCommands(Provider):
    """Subclasses say which entries there are now (`_commands`, asked on every keystroke of the palette)."""

    def _commands(self) -> list[Command]:
        raise NotImplementedError

    async def discover(self) -> Hits:
        for title, command in self._commands():
            yield DiscoveryHit(title, command)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, command in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), command)
